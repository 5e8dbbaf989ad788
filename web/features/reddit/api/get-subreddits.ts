import { queryOptions, useQuery } from '@tanstack/react-query';
import { type DiscoveredSubreddits, discoveredSubredditsSchema, getTaskType } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** `subreddit_discovery` invalidates this key, so a finished discovery refreshes the chips. */
const subredditsKey = getTaskType('subreddit_discovery').invalidates[0] ?? ['subreddits'];

function getSubreddits(signal?: AbortSignal): Promise<DiscoveredSubreddits> {
  return apiRequest('/api/reddit/subreddits', discoveredSubredditsSchema, { signal });
}

export function useDiscoveredSubreddits() {
  return useQuery(
    queryOptions({ queryKey: [...subredditsKey], queryFn: ({ signal }) => getSubreddits(signal) }),
  );
}
