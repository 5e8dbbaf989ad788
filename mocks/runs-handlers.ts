/**
 * `GET /api/runs` for the mocks: the same run rules as the server (protocol's `parseRunsQuery`
 * and `selectRuns`) over the backend's tasks; only transport here. `handlers.ts` passes its base
 * path and its REST wrapper (latency, error bodies), so this file does not import it back.
 */
import { HttpResponse, http, type PathParams, type RequestHandler } from 'msw';
import { parseRunsQuery, type RunsResponse, selectRuns } from '../protocol';
import type { MockBackend } from './mock-backend';

type RestInfo = { request: Request; params: PathParams };
type Rest = (fn: (info: RestInfo) => Response | Promise<Response>) => (info: RestInfo) => Promise<Response>;

/** Query parameters as Express reads them: a repeated key is an array (which the query schema refuses). */
function queryOf(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(url).searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

export function runsHandlers(backend: MockBackend, base: string, rest: Rest): RequestHandler[] {
  return [
    http.get(
      `${base}/runs`,
      rest(({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const query = parseRunsQuery(queryOf(request.url));
        const { active, finished } = backend.tasksOf(userId);
        const body: RunsResponse = { runs: selectRuns([...active, ...finished], query) };
        return HttpResponse.json(body);
      }),
    ),
  ];
}
