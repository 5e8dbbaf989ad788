import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { getTaskType, type RunsQuery, type RunsResponse, runsResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** The registry names this key for both run types, so a finished run refreshes every runs list. */
const runsQueryKey = getTaskType('test_run').invalidates[0] ?? ['runs'];

function getRuns(query: RunsQuery, signal?: AbortSignal): Promise<RunsResponse> {
  const search = new URLSearchParams(query);
  return apiRequest(`/api/runs?${search}`, runsResponseSchema, { signal });
}

function runsQueryOptions(query: RunsQuery) {
  return queryOptions({
    queryKey: [...runsQueryKey, query],
    queryFn: ({ signal }) => getRuns(query, signal),
    // Changing a filter keeps the rows on screen until the new answer lands, instead of flashing empty.
    placeholderData: keepPreviousData,
  });
}

export function useRuns(query: RunsQuery) {
  return useQuery(runsQueryOptions(query));
}
