import { Router } from 'express';
import { type CommunitiesResponse, demoCommunities } from '../../protocol';
import { identityOf } from '../auth/authenticate';
import type { AppServices } from '../services';

/** Read-only demo data for the Communities page (auth is applied by the app). */
export function communityRoutes(s: AppServices): Router {
  const router = Router();
  router.get('/api/communities', async (req, res) => {
    const { userId } = identityOf(req);
    const { finished } = await s.store.list(userId);
    const rebuilds = finished
      .filter((t) => t.type === 'rebuild_communities' && t.status === 'completed')
      .sort((a, b) => (b.finishedAt ?? b.updatedAt).localeCompare(a.finishedAt ?? a.updatedAt));
    const latest = rebuilds[0];
    const body: CommunitiesResponse = {
      communities: demoCommunities(userId, rebuilds.length),
      generation: rebuilds.length,
      rebuiltAt: latest ? (latest.finishedAt ?? latest.updatedAt) : null,
    };
    res.json(body);
  });
  return router;
}
