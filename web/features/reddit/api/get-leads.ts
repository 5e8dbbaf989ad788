import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { getTaskType, type LeadSort, type LeadsPage, leadsPageSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** The registry names this key for `reddit_leads`, so a finished search refreshes the table once. */
const leadsKey = getTaskType('reddit_leads').invalidates[0] ?? ['reddit-leads'];

export interface LeadsFilter {
  sort: LeadSort;
  subreddit: string | null;
}

function getLeads(filter: LeadsFilter, cursor: string | null, signal?: AbortSignal): Promise<LeadsPage> {
  const params = new URLSearchParams({ sort: filter.sort });
  if (filter.subreddit) params.set('subreddit', filter.subreddit);
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/reddit/leads?${params}`, leadsPageSchema, { signal });
}

function leadsQueryOptions(filter: LeadsFilter) {
  return infiniteQueryOptions({
    queryKey: [...leadsKey, filter.sort, filter.subreddit ?? ''],
    queryFn: ({ pageParam, signal }) => getLeads(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last: LeadsPage) => last.nextCursor,
  });
}

/**
 * The stored leads, a page at a time. While a search runs, its rows arrive with its progress
 * events (see `live-leads-store`), so the query is paused then: the invalidation a running
 * `liveRows` type triggers would otherwise refetch every loaded page once per batch. It refetches
 * once when the search ends, and on mount whatever is running.
 */
export function useLeads(filter: LeadsFilter, searching: boolean) {
  return useInfiniteQuery({ ...leadsQueryOptions(filter), enabled: !searching });
}
