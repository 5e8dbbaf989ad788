import cookieParser from 'cookie-parser';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { requireUser } from './auth/authenticate';
import { AppError, errorMiddleware } from './errors';
import { inboxRoutes } from './inbox/inbox-routes';
import { loggablePath } from './logger';
import { purchaseOrderRoutes } from './purchase-orders/po-routes';
import { redditRoutes } from './reddit/reddit-routes';
import { authRoutes } from './routes/auth-routes';
import { communityRoutes } from './routes/community-routes';
import { opsRoutes } from './routes/ops-routes';
import { streamRoutes } from './routes/stream-routes';
import { taskRoutes } from './routes/task-routes';
import { workerBatchRoutes, workerRoutes } from './routes/worker-routes';
import { runRoutes } from './runs/run-routes';
import type { AppServices } from './services';
import { defaultStaticDir, serveBuiltSpa } from './static';

const BODY_LIMIT = '16kb';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AppOptions {
  /** Serve the built SPA from STATIC_DIR (default `dist/`); off where Vite serves it. Default true. */
  serveSpa?: boolean;
}

/** The Express app, without `listen` (tests listen on port 0). */
export function createApp(s: AppServices, { serveSpa = true }: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only configured proxies may name the client (the login limit counts per client address).
  app.set('trust proxy', s.config.TRUST_PROXY ?? false);
  // No compression(): it would hold SSE frames back, and task JSON is small.

  const allowed = new Set(s.config.CORS_ORIGINS);
  if (allowed.size) app.use(cors({ origin: [...allowed], credentials: true }));
  app.use(requestLog(s));
  app.use(workerBatchRoutes(s));
  app.use(rejectForeignOrigins(allowed));
  // Before the JSON-only check: a PO upload's body is CSV, with its own parser and limit.
  app.use(purchaseOrderRoutes(s));
  app.use(requireJsonBodies);
  app.use(parseJsonBodies());
  app.use(cookieParser());

  app.use(opsRoutes(s));
  app.use(authRoutes(s));
  app.use(workerRoutes(s));
  app.use(streamRoutes(s));
  app.use('/api/tasks', requireUser(s.tokens));
  app.use('/api/communities', requireUser(s.tokens));
  app.use('/api/inbox', requireUser(s.tokens));
  app.use(inboxRoutes(s));
  app.use(communityRoutes(s));
  app.use('/api/reddit', requireUser(s.tokens));
  app.use(redditRoutes(s));
  app.use(taskRoutes(s));
  app.use(runRoutes(s));
  app.use('/api', (_req, _res, next) => next(new AppError('not-found', 'no such route', 404)));
  if (serveSpa) serveBuiltSpa(app, s.config.STATIC_DIR ?? defaultStaticDir());
  app.use(errorMiddleware(s.log));
  return app;
}

function requestLog(s: AppServices): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      s.log.debug(
        {
          method: req.method,
          path: loggablePath(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}

/**
 * CSRF guard: a state-changing request that carries cookies and names a foreign `Origin` is
 * refused. Requests without `Origin` (curl, servers) are not refused for that.
 */
function rejectForeignOrigins(allowed: Set<string>): RequestHandler {
  return (req, _res, next) => {
    const origin = req.get('origin');
    if (!origin || !unsafeMethods.has(req.method)) return next();
    if (!req.headers.cookie && req.path !== '/api/auth/login') return next();
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin === own || allowed.has(origin)) return next();
    next(new AppError('forbidden-origin', `requests from ${origin} are not allowed`, 403));
  };
}

const requireJsonBodies: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && unsafeMethods.has(req.method) && !req.is('application/json')) {
    return next(new AppError('unsupported-media-type', 'send the body as application/json', 415));
  }
  next();
};

/**
 * express.json, with a body that cannot be decoded (gzip, deflate or br that does not inflate)
 * answered as the client's mistake: zlib's errors reach the error handler raw, unlike
 * body-parser's own, and would otherwise read as a server fault.
 */
function parseJsonBodies(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT, strict: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err === undefined || isHttpError(err)) return next(err);
      next(new AppError('malformed-body', 'request body does not decode with its Content-Encoding', 400));
    });
  };
}

function isHttpError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'status' in err && 'type' in err;
}
