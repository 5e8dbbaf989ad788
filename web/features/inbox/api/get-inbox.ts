import { queryOptions, useQuery } from '@tanstack/react-query';
import { type InboxResponse, inboxResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

export const inboxQueryKey = ['inbox'] as const;

function getInbox(signal?: AbortSignal): Promise<InboxResponse> {
  return apiRequest('/api/inbox', inboxResponseSchema, { signal });
}

function inboxQueryOptions() {
  return queryOptions({
    queryKey: inboxQueryKey,
    queryFn: ({ signal }) => getInbox(signal),
    // Another browser or a phone may have marked entries seen while this window was in the back.
    refetchOnWindowFocus: true,
  });
}

export function useInbox() {
  return useQuery(inboxQueryOptions());
}
