import { Router } from 'express';
import { discoveredSubreddits, leadMetrics, pageOfLeads, parseLeadsQuery } from '../../protocol';
import { identityOf } from '../auth/authenticate';
import type { AppServices } from '../services';

/** Seed 000's Reddit page: the user's leads, their summary and the discovered subreddits (auth is applied by the app). */
export function redditRoutes(s: AppServices): Router {
  const router = Router();

  router.get('/api/reddit/leads', async (req, res) => {
    const query = parseLeadsQuery(req.query);
    res.json(pageOfLeads(await s.leads.all(identityOf(req).userId), query));
  });

  router.get('/api/reddit/metrics', async (req, res) => {
    const { userId } = identityOf(req);
    const [leads, searches] = await Promise.all([s.leads.all(userId), s.leads.searchesRun(userId)]);
    res.json(leadMetrics(leads, searches, Date.now()));
  });

  router.get('/api/reddit/subreddits', async (req, res) => {
    const { finished } = await s.store.list(identityOf(req).userId);
    res.json(discoveredSubreddits(finished));
  });

  return router;
}
