/**
 * The Reddit page's routes and sign-up over the mock backend. Leads are not stored here: every
 * batch a `reddit_leads` task reports carries its rows (protocol's `withGeneratedRows`), so a
 * user's leads are the batches in their event log, read with the same `leadBatchOf` the server
 * stores them with. Sorting, paging, metrics and the sign-up rules are protocol's.
 */
import { HttpResponse, http, type PathParams, type RequestHandler } from 'msw';
import {
  discoveredSubreddits,
  leadBatchOf,
  leadMetrics,
  leadsPerUserMax,
  loginBodySchema,
  pageOfLeads,
  parseLeadsQuery,
  parseSignupBody,
  type RedditLead,
  type SignupResponse,
  usernameTaken,
} from '../protocol';
import type { MockBackend } from './mock-backend';
import { devUsers, sessionTtlDefaultMs } from './mock-sessions';

type RestInfo = { request: Request; params: PathParams };
/** handlers.ts's REST wrapper (scenario latency, contract errors), passed in to keep imports one-way. */
type Rest = (fn: (info: RestInfo) => Response | Promise<Response>) => (info: RestInfo) => Promise<Response>;

/** Sign-ups of this page's lifetime: name → password (the mock has no hashing to prove). */
const accountsOf = new WeakMap<MockBackend, Map<string, string>>();

function accounts(backend: MockBackend): Map<string, string> {
  let map = accountsOf.get(backend);
  if (!map) {
    map = new Map();
    accountsOf.set(backend, map);
  }
  return map;
}

/** The user's leads and searches, from the batches in their event log (bounded like the server's list). */
function leadsOf(backend: MockBackend, userId: string): { leads: RedditLead[]; searches: number } {
  const leads: RedditLead[] = [];
  let searches = 0;
  for (const event of backend.logOf(userId).events) {
    const batch = leadBatchOf(event.task);
    if (batch === null) continue;
    searches += 1;
    leads.push(...batch);
  }
  return { leads: leads.slice(-leadsPerUserMax), searches };
}

/** Query parameters as Express reads them: a repeated one is an array (which the schema refuses). */
function queryParams(search: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const seen = params[key];
    params[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return params;
}

export function redditHandlers(
  backend: MockBackend,
  base: string,
  rest: Rest,
  jsonBody: (request: Request) => Promise<unknown>,
): RequestHandler[] {
  return [
    http.post(
      `${base}/auth/signup`,
      rest(async ({ request }) => {
        const { username, password } = parseSignupBody(await jsonBody(request));
        const known = accounts(backend);
        if (devUsers[username] !== undefined || known.has(username)) throw usernameTaken();
        known.set(username, password);
        backend.sessions.signIn(username, sessionTtlDefaultMs);
        const task = backend.createTask(username, { type: 'reddit_leads', trigger: 'signup' });
        const body: SignupResponse = { user: { id: username, name: username }, task };
        return HttpResponse.json(body, { status: 201 });
      }),
    ),
    // Signed-up users sign in here; anyone else falls through to the dev-user login.
    http.post(`${base}/auth/login`, async ({ request }) => {
      const body = loginBodySchema.safeParse(
        await request
          .clone()
          .json()
          .catch(() => null),
      );
      if (!body.success || accounts(backend).get(body.data.username) !== body.data.password) return undefined;
      backend.sessions.signIn(body.data.username, sessionTtlDefaultMs);
      return HttpResponse.json({ user: { id: body.data.username, name: body.data.username } });
    }),
    http.get(
      `${base}/reddit/leads`,
      rest(({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const query = parseLeadsQuery(queryParams(new URL(request.url).searchParams));
        return HttpResponse.json(pageOfLeads(leadsOf(backend, userId).leads, query));
      }),
    ),
    http.get(
      `${base}/reddit/metrics`,
      rest(({ request }) => {
        const { leads, searches } = leadsOf(backend, backend.sessions.authenticate(request));
        return HttpResponse.json(leadMetrics(leads, searches, backend.clock.now()));
      }),
    ),
    http.get(
      `${base}/reddit/subreddits`,
      rest(({ request }) =>
        HttpResponse.json(
          discoveredSubreddits(backend.tasksOf(backend.sessions.authenticate(request)).finished),
        ),
      ),
    ),
  ];
}
