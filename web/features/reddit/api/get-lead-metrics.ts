import { queryOptions, useQuery } from '@tanstack/react-query';
import { getTaskType, type LeadMetrics, leadMetricsSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

const metricsKey = getTaskType('reddit_leads').invalidates[1] ?? ['reddit-metrics'];

function getLeadMetrics(signal?: AbortSignal): Promise<LeadMetrics> {
  return apiRequest('/api/reddit/metrics', leadMetricsSchema, { signal });
}

export function useLeadMetrics() {
  return useQuery(
    queryOptions({ queryKey: [...metricsKey], queryFn: ({ signal }) => getLeadMetrics(signal) }),
  );
}
