import { queryOptions, useQuery } from '@tanstack/react-query';
import { isTerminal, type Task, taskResponseSchema } from '../../../../protocol';
import { ApiError, apiRequest } from '../../../lib/api-client';

/** While the run's own stream is down, its page polls this often (the stream-less fallback). */
const fallbackPollMs = 2000;

async function getRun(id: string, signal?: AbortSignal): Promise<Task> {
  return (await apiRequest(`/api/tasks/${encodeURIComponent(id)}`, taskResponseSchema, { signal })).task;
}

function runQueryOptions(id: string, poll: boolean) {
  return queryOptions({
    queryKey: ['run', id],
    queryFn: ({ signal }) => getRun(id, signal),
    refetchInterval: (query) => {
      const { data, error } = query.state;
      // A 4xx (an unknown or foreign run) will not change by asking again; a finished run neither.
      const settled = (data && isTerminal(data.status)) || (error instanceof ApiError && error.status < 500);
      return poll && !settled ? fallbackPollMs : false;
    },
  });
}

/** `GET /api/tasks/:id`: the run as it is now; polled only while `poll` (its stream is down). */
export function useRunQuery(id: string, poll: boolean) {
  return useQuery(runQueryOptions(id, poll));
}
