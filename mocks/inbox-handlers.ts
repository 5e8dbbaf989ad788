/**
 * The activity inbox in the mocks: entries are made from the backend's finished tasks by the same
 * protocol rule the server applies when it writes a terminal event, and the read marker moves by
 * the same rule. Only storage differs: a marker per user, forgotten when the backend resets.
 */
import { HttpResponse, http, type PathParams, type RequestHandler } from 'msw';
import {
  type InboxEntry,
  type InboxResponse,
  inboxEntryFromTask,
  inboxSeenBodySchema,
  inboxView,
  nextReadMarker,
  validationError,
} from '../protocol';
import type { MockBackend } from './mock-backend';

type RestInfo = { request: Request; params: PathParams };
type Resolver = (info: RestInfo) => Response | Promise<Response>;

/** What `createHandlers` lends these routes: its base path, its latency + error wrapper, its body parser. */
interface HandlerKit {
  apiBase: string;
  rest: (fn: Resolver) => (info: RestInfo) => Promise<Response>;
  jsonBody: (request: Request) => Promise<unknown>;
}

/** Read markers by user, valid for one backend epoch (a scenario reset starts everyone unseen). */
const markers = new WeakMap<MockBackend, { epoch: string; byUser: Map<string, string> }>();

function markersOf(backend: MockBackend): Map<string, string> {
  let held = markers.get(backend);
  if (!held || held.epoch !== backend.epoch) {
    held = { epoch: backend.epoch, byUser: new Map() };
    markers.set(backend, held);
  }
  return held.byUser;
}

function inboxOf(backend: MockBackend, userId: string): InboxResponse {
  const entries = backend
    .tasksOf(userId)
    .finished.map(inboxEntryFromTask)
    .filter((e): e is InboxEntry => e !== null);
  return inboxView(entries, markersOf(backend).get(userId) ?? null);
}

export function inboxHandlers(
  backend: MockBackend,
  { apiBase, rest, jsonBody }: HandlerKit,
): RequestHandler[] {
  return [
    http.get(
      `${apiBase}/inbox`,
      rest(({ request }) => HttpResponse.json(inboxOf(backend, backend.sessions.authenticate(request)))),
    ),
    http.post(
      `${apiBase}/inbox/seen`,
      rest(async ({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const body = inboxSeenBodySchema.safeParse(await jsonBody(request));
        if (!body.success) throw validationError(body.error);
        const current = inboxOf(backend, userId);
        const next = nextReadMarker(current.readUpTo, body.data.upTo, current.entries[0]?.finishedAt ?? null);
        if (next !== null) markersOf(backend).set(userId, next);
        return HttpResponse.json(inboxOf(backend, userId));
      }),
    ),
  ];
}
