/**
 * The happy path: MSW handlers that speak the contract of docs/contract.md exactly — the same
 * routes, status codes, error bodies, event names, ids, cursor, heartbeat, reset and the `204` at
 * the end of a per-task stream — over one shared `MockBackend`. Scenarios never fork this file:
 * they configure the backend and prepend overrides with `server.use()`/`worker.use()`.
 *
 * Sessions: the mock holds one browser session in the backend (an httpOnly cookie cannot be mocked
 * from a service worker), so login and logout set no cookie.
 */
import {
  HttpResponse,
  http,
  type PathParams,
  type RequestHandler,
  type ServerSentEventResolverExtras,
  sse,
} from 'msw';
import {
  type AuthOptionsResponse,
  ContractError,
  listTasksQuerySchema,
  loginBodySchema,
  parseCreateTaskBody,
  type StreamEventName,
  sharedMetrics,
  taskIdSchema,
  validationError,
} from '../protocol';
import { inboxHandlers } from './inbox-handlers';
import type { MockBackend } from './mock-backend';
import { devUsers } from './mock-sessions';
import type { StreamSink } from './mock-streams';
import { createPurchaseOrderHandlers } from './purchase-orders-handlers';
import { redditHandlers } from './reddit-handlers';
import { runsHandlers } from './runs-handlers';

/**
 * Where the handlers answer. With a document (the browser, happy-dom) paths are relative, so they
 * match this origin only; plain Node has no base URL, so there they match any origin. Never a
 * wildcard origin in the browser: it would also match Vite module URLs such as
 * `/web/features/auth/api/get-me.ts` and answer them with the catch-all 404.
 */
const origin = typeof document === 'undefined' ? '*' : '';
export const apiBase = `${origin}/api`;

type StreamEventMap = { [K in StreamEventName]: string };
type RestInfo = { request: Request; params: PathParams };
type SseClient = ServerSentEventResolverExtras<StreamEventMap, Record<string, string>>['client'];

/** The contract's error answer: `{ error: { code, message } }` with its status and headers. */
export function errorResponse(err: ContractError): Response {
  return HttpResponse.json(err.body, { status: err.status, headers: err.headers });
}

function fromError(err: unknown): Response {
  if (err instanceof ContractError) return errorResponse(err);
  throw err;
}

function taskIdOf(params: Record<string, string | readonly string[] | undefined>): string {
  const id = taskIdSchema.safeParse(params.id);
  if (!id.success) throw new ContractError('malformed-id', 'malformed task id', 400);
  return id.data;
}

/** A JSON body as the server's body parser takes it: 415 for non-JSON, 400 for malformed JSON. */
async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text) return {};
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
    throw new ContractError('unsupported-media-type', 'send the body as application/json', 415);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ContractError('malformed-json', 'request body is not valid JSON', 400);
  }
}

/** MSW's `sse()` client as the backend's sink: named events with JSON data and `id:` lines. */
function sinkOf(client: SseClient): StreamSink {
  return {
    send(name, data, id) {
      const payload = JSON.stringify(data);
      client.send(id === undefined ? { event: name, data: payload } : { event: name, data: payload, id });
    },
    retry(ms) {
      client.send({ retry: ms });
    },
    close() {
      client.close();
    },
  };
}

/**
 * The stream routes are two handlers each: a plain `http.get` that answers the statuses a stream
 * can get instead of 200 (401, 404, 429, 204, and 503 in the `server-down` override) and falls
 * through otherwise, then `sse()` for the stream itself. The `sse()` resolver returns at once;
 * every later send is scheduled on the backend's clock.
 */
function streamRoutes(backend: MockBackend): RequestHandler[] {
  return [
    http.get(`${apiBase}/events`, ({ request }) => {
      try {
        backend.streams.checkUserStream(request);
        return undefined;
      } catch (err) {
        return fromError(err);
      }
    }),
    sse<StreamEventMap>(`${apiBase}/events`, ({ request, client }) => {
      try {
        const close = backend.streams.openUserStream(request, sinkOf(client));
        request.signal.addEventListener('abort', close, { once: true });
      } catch {
        client.close();
      }
    }),
    http.get(`${apiBase}/tasks/:id/events`, ({ request, params }) => {
      try {
        const state = backend.streams.checkTaskStream(request, taskIdOf(params));
        return state === 'ended' ? new HttpResponse(null, { status: 204 }) : undefined;
      } catch (err) {
        return fromError(err);
      }
    }),
    sse<StreamEventMap>(`${apiBase}/tasks/:id/events`, ({ request, params, client }) => {
      try {
        const close = backend.streams.openTaskStream(request, taskIdOf(params), sinkOf(client));
        request.signal.addEventListener('abort', close, { once: true });
      } catch {
        client.close();
      }
    }),
  ];
}

/** Every route of the contract over `backend`. Order matters only for the catch-all 404 at the end. */
export function createHandlers(backend: MockBackend): RequestHandler[] {
  /** REST resolvers: the scenario's latency, then the answer or the contract's error body. */
  const rest =
    (fn: (info: RestInfo) => Response | Promise<Response>) =>
    async (info: RestInfo): Promise<Response> => {
      // Deliberately holds REST answers (the `slow` scenario); stream resolvers never wait.
      await backend.latency();
      try {
        return await fn(info);
      } catch (err) {
        return fromError(err);
      }
    };

  return [
    ...redditHandlers(backend, apiBase, rest, jsonBody),
    http.post(
      `${apiBase}/auth/login`,
      rest(async ({ request }) => {
        const body = loginBodySchema.safeParse(await jsonBody(request));
        if (!body.success) throw validationError(body.error);
        return HttpResponse.json({ user: backend.sessions.login(body.data.username, body.data.password) });
      }),
    ),
    http.post(
      `${apiBase}/auth/logout`,
      rest(() => {
        backend.sessions.logout();
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.get(
      `${apiBase}/auth/options`,
      rest(() => {
        const body: AuthOptionsResponse = {
          demoUsers: Object.keys(devUsers).filter((name) => devUsers[name] === 'demo'),
          signup: true,
        };
        return HttpResponse.json(body);
      }),
    ),
    http.get(
      `${apiBase}/auth/me`,
      rest(({ request }) => {
        const userId = backend.sessions.authenticate(request);
        return HttpResponse.json({ user: { id: userId, name: userId } });
      }),
    ),
    http.post(
      `${apiBase}/auth/sse-ticket`,
      rest(({ request }) =>
        HttpResponse.json(backend.sessions.issueTicket(backend.sessions.authenticate(request))),
      ),
    ),

    http.get(
      `${apiBase}/health`,
      rest(() => HttpResponse.json(backend.health())),
    ),
    http.get(`${origin}/metrics`, () => {
      const { active, total } = backend.health().connections;
      const gauge = (metric: { name: string; help: string }, value: number) =>
        `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} gauge\n${metric.name} ${value}`;
      const text = `${gauge(sharedMetrics.openStreams, active)}\n${gauge(sharedMetrics.openedStreams, total)}\n`;
      return HttpResponse.text(text, { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
    }),

    ...streamRoutes(backend),

    http.get(
      `${apiBase}/tasks`,
      rest(({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const query = listTasksQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
        if (!query.success) throw validationError(query.error, 'invalid-query');
        return HttpResponse.json(backend.listTasks(userId, query.data));
      }),
    ),
    http.post(
      `${apiBase}/tasks`,
      rest(async ({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const body = parseCreateTaskBody(await jsonBody(request));
        return HttpResponse.json({ task: backend.createTask(userId, body) }, { status: 202 });
      }),
    ),
    http.head(
      `${apiBase}/tasks/:id`,
      rest(({ request, params }) => {
        const task = backend.getTask(backend.sessions.authenticate(request), taskIdOf(params));
        return new HttpResponse(null, {
          status: 200,
          headers: { 'X-Task-Status': task.status, 'X-Task-Progress': String(task.progress.percent) },
        });
      }),
    ),
    http.get(
      `${apiBase}/tasks/:id`,
      rest(({ request, params }) =>
        HttpResponse.json({
          task: backend.getTask(backend.sessions.authenticate(request), taskIdOf(params)),
        }),
      ),
    ),
    http.post(
      `${apiBase}/tasks/:id/cancel`,
      rest(({ request, params }) => {
        const task = backend.cancelTask(backend.sessions.authenticate(request), taskIdOf(params));
        return HttpResponse.json({ task }, { status: 202 });
      }),
    ),

    http.get(
      `${apiBase}/communities`,
      rest(({ request }) => HttpResponse.json(backend.communities(backend.sessions.authenticate(request)))),
    ),

    ...runsHandlers(backend, apiBase, rest),
    ...inboxHandlers(backend, { apiBase, rest, jsonBody }),
    ...createPurchaseOrderHandlers(backend, apiBase),

    http.all(`${apiBase}/*`, () => errorResponse(new ContractError('not-found', 'no such route', 404))),
  ];
}
