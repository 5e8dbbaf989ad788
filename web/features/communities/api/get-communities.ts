import { queryOptions, useQuery } from '@tanstack/react-query';
import { type CommunitiesResponse, communitiesResponseSchema, getTaskType } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** The registry names this key for `rebuild_communities`, so a finished rebuild refreshes the table. */
const communitiesQueryKey = getTaskType('rebuild_communities').invalidates[0] ?? ['communities'];

function getCommunities(signal?: AbortSignal): Promise<CommunitiesResponse> {
  return apiRequest('/api/communities', communitiesResponseSchema, { signal });
}

function communitiesQueryOptions() {
  return queryOptions({
    queryKey: [...communitiesQueryKey],
    queryFn: ({ signal }) => getCommunities(signal),
  });
}

export function useCommunities() {
  return useQuery(communitiesQueryOptions());
}
