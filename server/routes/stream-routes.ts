import { type Request, Router } from 'express';
import { pickLastEventId } from '../../protocol';
import { identityOf, requireStreamUser } from '../auth/authenticate';
import type { AppServices } from '../services';
import { resumeFrom, StreamFeeds, streamHeaders } from '../sse/feeds';
import { taskIdOf } from './task-routes';

/** The header wins over `?lastEventId=` unless it is malformed and the query is not. */
function lastEventIdOf(req: Request) {
  const query = typeof req.query.lastEventId === 'string' ? req.query.lastEventId : null;
  return resumeFrom(pickLastEventId(req.get('last-event-id'), query));
}

/** The SSE endpoints: everything of the user's tasks, or one task until it finishes. */
export function streamRoutes(s: AppServices): Router {
  const router = Router();
  const auth = requireStreamUser(s.tokens, s.tickets);
  const feeds = new StreamFeeds(s);

  // HEAD would otherwise run the GET handler and hold a stream slot open for a body never sent.
  router.head('/api/events', auth, (_req, res) => {
    res.status(200).set(streamHeaders).end();
  });

  router.head('/api/tasks/:id/events', auth, async (req, res) => {
    await feeds.checkTaskExists(identityOf(req).userId, taskIdOf(req));
    res.status(200).set(streamHeaders).end();
  });

  router.get('/api/events', auth, async (req, res) => {
    await feeds.openUserFeed(identityOf(req), res, lastEventIdOf(req));
  });

  router.get('/api/tasks/:id/events', auth, async (req, res) => {
    const state = await feeds.openTaskFeed(identityOf(req), res, taskIdOf(req), lastEventIdOf(req));
    // The client already has the final event: 204 stops EventSource from reconnecting.
    if (state === 'ended') res.status(204).end();
  });

  return router;
}
