import { queryOptions, useQuery } from '@tanstack/react-query';
import { type HealthResponse, healthResponseSchema } from '../../../../protocol';
import { ApiError } from '../../../lib/api-client';
import { type Bucket, histogramBuckets, metricTotal, parsePrometheusText } from './prometheus-text';

/** How often the page scrapes the two endpoints. */
const opsPollMs = 5000;

/** Task events by type since the server started, counted by the event that ended or started them. */
export interface TaskTypeCounts {
  type: string;
  started: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** What the page reads from `/metrics`; null where this server does not export a metric. */
export interface OpsMetrics {
  eventsSent: number | null;
  latencyBuckets: Bucket[];
  replays: number | null;
  replayedEvents: number | null;
  resets: number | null;
  gapFills: number | null;
  redisErrors: number | null;
  tasks: TaskTypeCounts[];
}

/** One scrape of both endpoints, stamped with the browser's clock. */
export interface OpsScrape {
  at: number;
  health: HealthResponse;
  metrics: OpsMetrics;
}

const countedEvents = ['started', 'completed', 'failed', 'cancelled'] as const;
type CountedEvent = (typeof countedEvents)[number];

function isCountedEvent(event: string | undefined): event is CountedEvent {
  return (countedEvents as readonly string[]).includes(event ?? '');
}

/** Picks this page's figures out of the server's Prometheus text (metric names: server/metrics.ts). */
export function readOpsMetrics(text: string): OpsMetrics {
  const metrics = parsePrometheusText(text);
  const byType = new Map<string, TaskTypeCounts>();
  for (const { labels, value } of metrics.get('taskstream_task_events_total') ?? []) {
    const { type, event } = labels;
    if (!type || !isCountedEvent(event)) continue;
    const counts = byType.get(type) ?? { type, started: 0, completed: 0, failed: 0, cancelled: 0 };
    counts[event] += value;
    byType.set(type, counts);
  }
  return {
    eventsSent: metricTotal(metrics, 'taskstream_sse_events_sent'),
    latencyBuckets: histogramBuckets(metrics, 'taskstream_publish_to_write_seconds'),
    replays: metricTotal(metrics, 'taskstream_replays_total'),
    replayedEvents: metricTotal(metrics, 'taskstream_replayed_events_total'),
    resets: metricTotal(metrics, 'taskstream_resets_total'),
    gapFills: metricTotal(metrics, 'taskstream_gap_fills_total'),
    redisErrors: metricTotal(metrics, 'taskstream_redis_errors_total'),
    tasks: [...byType.values()].sort((a, b) => a.type.localeCompare(b.type)),
  };
}

async function fetchOk(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(path, { headers: { accept }, signal });
  // A degraded server answers its health with 503 and the same body: that is news, not a failure.
  if (res.ok || (res.status === 503 && path === '/api/health')) return res;
  throw new ApiError(res.status, 'http-error', `${path} answered ${res.status}`);
}

/** `GET /api/health` and `GET /metrics`, read together so both halves of a scrape share one moment. */
async function getOperations(signal?: AbortSignal): Promise<OpsScrape> {
  const [healthRes, metricsRes] = await Promise.all([
    fetchOk('/api/health', 'application/json', signal),
    fetchOk('/metrics', 'text/plain', signal),
  ]);
  const [health, text] = await Promise.all([healthRes.json(), metricsRes.text()]);
  return { at: Date.now(), health: healthResponseSchema.parse(health), metrics: readOpsMetrics(text) };
}

function operationsQueryOptions() {
  return queryOptions({
    queryKey: ['operations'],
    queryFn: ({ signal }) => getOperations(signal),
    staleTime: 0,
    // TanStack Query skips interval refetches while the tab is hidden (refetchIntervalInBackground is off).
    refetchInterval: opsPollMs,
    refetchOnWindowFocus: true,
  });
}

export function useOperations() {
  return useQuery(operationsQueryOptions());
}
