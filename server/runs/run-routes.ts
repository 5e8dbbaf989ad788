import { Router } from 'express';
import { parseRunsQuery, type RunsResponse, selectRuns } from '../../protocol';
import { identityOf, requireUser } from '../auth/authenticate';
import type { AppServices } from '../services';

/**
 * `GET /api/runs?kind=&status=`: the user's test and job runs among the tasks the server keeps
 * (every active one and the recently finished), filtered by the protocol's run rules.
 */
export function runRoutes(s: AppServices): Router {
  const router = Router();
  router.get('/api/runs', requireUser(s.tokens), async (req, res) => {
    const query = parseRunsQuery(req.query);
    const { active, finished } = await s.store.list(identityOf(req).userId);
    const body: RunsResponse = { runs: selectRuns([...active, ...finished], query) };
    res.json(body);
  });
  return router;
}
