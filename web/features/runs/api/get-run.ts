import { queryOptions, useQuery } from '@tanstack/react-query';
import { isTerminal, type Task, taskResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** While the run's own stream is down, its page polls this often (the stream-less fallback). */
const fallbackPollMs = 2000;

async function getRun(id: string, signal?: AbortSignal): Promise<Task> {
  return (await apiRequest(`/api/tasks/${encodeURIComponent(id)}`, taskResponseSchema, { signal })).task;
}

function runQueryOptions(id: string, poll: boolean) {
  return queryOptions({
    queryKey: ['run', id],
    queryFn: ({ signal }) => getRun(id, signal),
    refetchInterval: (query) =>
      poll && !(query.state.data && isTerminal(query.state.data.status)) ? fallbackPollMs : false,
  });
}

/** `GET /api/tasks/:id`: the run as it is now; polled only while `poll` (its stream is down). */
export function useRunQuery(id: string, poll: boolean) {
  return useQuery(runQueryOptions(id, poll));
}
