import type { IncomingMessage, ServerResponse } from 'node:http';
import { pickLastEventId, taskIdSchema } from '../../protocol';
import { authenticateStream, type Credentials, revokedSession } from '../auth/authenticate';
import { SESSION_COOKIE } from '../auth/session-tokens';
import { AppError, toAppError } from '../errors';
import { loggablePath } from '../logger';
import type { AppServices } from '../services';
import { resumeFrom, StreamFeeds, streamHeaders } from './feeds';

/** Which stream a request asks for, with the task id still as it appeared in the path. */
export type StreamRoute = { feed: 'user' } | { feed: 'task'; rawTaskId: string };

/** What a stream request brings, read by either adapter (this front, or Express's stream routes). */
export interface StreamRequest {
  method: 'GET' | 'HEAD';
  route: StreamRoute;
  credentials: Credentials;
  lastEventIdHeader: string | undefined;
  lastEventIdQuery: string | undefined;
}

function taskIdOf(raw: string): string {
  // Throws URIError on bad percent-encoding: a 400, as the router answers it.
  const id = taskIdSchema.safeParse(decodeURIComponent(raw));
  if (!id.success) throw new AppError('malformed-id', 'malformed task id', 400);
  return id.data;
}

/**
 * Serves `GET`/`HEAD /api/events` and `/api/tasks/:id/events` on a bare response: the one
 * implementation behind both adapters. Throws what the client gets as an error status.
 */
export async function serveStream(
  s: AppServices,
  feeds: StreamFeeds,
  req: StreamRequest,
  res: ServerResponse,
): Promise<void> {
  const taskId = req.route.feed === 'task' ? taskIdOf(req.route.rawTaskId) : null;
  const { identity, revocationKey } = await authenticateStream(req.credentials, s.tokens, s.tickets);
  if (req.method === 'HEAD') {
    // HEAD would otherwise open a stream and hold a slot for a body never sent.
    if (taskId) await feeds.checkTaskExists(identity.userId, taskId, revocationKey);
    else if (revocationKey && (await s.tokens.isSignedOut(revocationKey))) throw revokedSession();
    res.writeHead(200, streamHeaders).end();
    return;
  }
  // The header wins over `?lastEventId=` unless it is malformed and the query is not.
  const from = resumeFrom(pickLastEventId(req.lastEventIdHeader, req.lastEventIdQuery));
  if (!taskId) {
    await feeds.openUserFeed(identity, res, from, revocationKey);
    return;
  }
  // The client already has the final event: 204 stops EventSource from reconnecting.
  if ((await feeds.openTaskFeed(identity, res, taskId, from, revocationKey)) === 'ended') {
    res.writeHead(204).end();
  }
}

const TASK_FEED_PATH = /^\/api\/tasks\/([^/]+)\/events$/;

function routeOf(path: string): StreamRoute | null {
  if (path === '/api/events') return { feed: 'user' };
  const task = TASK_FEED_PATH.exec(path);
  return task ? { feed: 'task', rawTaskId: task[1]! } : null;
}

/** A query parameter given exactly once, as Express's query parser yields a string only then. */
function single(query: URLSearchParams | null, name: string): string | undefined {
  if (!query) return undefined;
  const values = query.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

/** One cookie's value, as cookie-parser reads it: first occurrence, quotes stripped, percent-decoded. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!value.includes('%')) return value;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * The two SSE routes served from node:http in front of Express: a stream connect skips the
 * middleware chain (body parsing, cookie parsing of every cookie, per-request prototypes), which
 * was most of its CPU and much of an idle stream's memory. Same checks, errors and headers; a
 * request it does not take (another path or method, a trailing slash, other letter case) goes to
 * Express, whose stream routes answer it the same way.
 */
export function createStreamFront(s: AppServices): (req: IncomingMessage, res: ServerResponse) => boolean {
  const feeds = new StreamFeeds(s);
  const allowedOrigins = new Set(s.config.CORS_ORIGINS);
  return (req, res) => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = routeOf(q === -1 ? url : url.slice(0, q));
    if (!route) return false;
    if (s.log.isLevelEnabled('debug')) logOnFinish(s, req, res);
    if (allowedOrigins.size) corsHeaders(req, res, allowedOrigins);
    const query = q === -1 ? null : new URLSearchParams(url.slice(q + 1));
    const lastEventIdHeader = req.headers['last-event-id'];
    const ticket = single(query, 'ticket');
    const request: StreamRequest = {
      method,
      route,
      credentials: {
        tokenInUrl: single(query, 'token') !== undefined,
        authorization: req.headers.authorization,
        cookieToken: cookieValue(req.headers.cookie, SESSION_COOKIE),
        ...(ticket === undefined ? {} : { ticket }),
      },
      lastEventIdHeader: typeof lastEventIdHeader === 'string' ? lastEventIdHeader : undefined,
      lastEventIdQuery: single(query, 'lastEventId'),
    };
    serveStream(s, feeds, request, res).catch((err: unknown) => sendError(s, res, method, err));
    return true;
  };
}

/** What `cors({ origin: [...allowed], credentials: true })` adds to a simple GET or HEAD. */
function corsHeaders(req: IncomingMessage, res: ServerResponse, allowed: Set<string>): void {
  const origin = req.headers.origin;
  if (origin && allowed.has(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
}

function sendError(s: AppServices, res: ServerResponse, method: string, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const error = toAppError(err, s.log);
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(method === 'HEAD' ? undefined : body);
}

function logOnFinish(s: AppServices, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  res.on('finish', () => {
    s.log.debug(
      {
        method: req.method,
        path: loggablePath(req.url ?? ''),
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
}
