import { type Request, type Response, Router } from 'express';
import { credentialsOf } from '../auth/authenticate';
import type { AppServices } from '../services';
import { StreamFeeds } from '../sse/feeds';
import { type StreamRoute, serveStream } from '../sse/stream-front';

/**
 * The SSE endpoints as Express routes: the node:http stream front (server/sse/stream-front.ts)
 * takes their canonical paths first; these answer what it leaves (a trailing slash, other letter
 * case) and the app mounted without it (Vite's dev server).
 */
export function streamRoutes(s: AppServices): Router {
  const router = Router();
  const feeds = new StreamFeeds(s);
  const serve = (req: Request, res: Response, route: StreamRoute) => {
    const query = req.query.lastEventId;
    return serveStream(
      s,
      feeds,
      {
        method: req.method === 'HEAD' ? 'HEAD' : 'GET',
        route,
        credentials: credentialsOf(req),
        lastEventIdHeader: req.get('last-event-id'),
        lastEventIdQuery: typeof query === 'string' ? query : undefined,
      },
      res,
    );
  };

  router.get('/api/events', (req, res) => serve(req, res, { feed: 'user' }));
  router.get('/api/tasks/:id/events', (req, res) =>
    serve(req, res, { feed: 'task', rawTaskId: encodeURIComponent(req.params.id ?? '') }),
  );
  return router;
}
