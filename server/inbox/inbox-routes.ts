import { Router } from 'express';
import { inboxSeenBodySchema } from '../../protocol';
import { identityOf } from '../auth/authenticate';
import { validationError } from '../errors';
import type { AppServices } from '../services';
import { InboxStore } from './inbox-store';

/** The signed-in user's activity inbox, behind auth by the app (`/api/inbox` requires a user). */
export function inboxRoutes(s: AppServices): Router {
  const router = Router();
  const inbox = new InboxStore(s.redis.commands);

  router.get('/api/inbox', async (req, res) => {
    res.json(await inbox.read(identityOf(req).userId));
  });

  router.post('/api/inbox/seen', async (req, res) => {
    const body = inboxSeenBodySchema.safeParse(req.body);
    if (!body.success) throw validationError(body.error);
    res.json(await inbox.markSeen(identityOf(req).userId, body.data.upTo));
  });

  return router;
}
