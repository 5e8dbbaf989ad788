import type { OpsScrape } from './get-operations';
import { bucketsSince, histogramQuantile } from './prometheus-text';

/** How much history the page keeps for its charts. */
export const opsWindowMs = 15 * 60_000;

/** One point of the live charts; null where the interval had nothing to measure. */
export interface OpsPoint {
  at: number;
  activeConnections: number;
  eventsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface OpsHistory {
  points: readonly OpsPoint[];
  /** The scrape the next one is compared with (rates and latency are per interval). */
  last: OpsScrape | null;
}

export const emptyOpsHistory: OpsHistory = { points: [], last: null };

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 10_000) / 10;
}

/**
 * Adds a scrape: rates and latency quantiles cover the interval since the previous scrape (a counter
 * that went back means the server restarted: that interval has no value), and points older than the
 * window are dropped.
 */
export function appendScrape(history: OpsHistory, scrape: OpsScrape, windowMs = opsWindowMs): OpsHistory {
  const previous = history.last;
  if (previous && scrape.at <= previous.at) return history;
  let eventsPerSecond: number | null = null;
  let p50Ms: number | null = null;
  let p99Ms: number | null = null;
  if (previous) {
    const seconds = (scrape.at - previous.at) / 1000;
    const sent = scrape.metrics.eventsSent;
    const sentBefore = previous.metrics.eventsSent;
    if (sent !== null && sentBefore !== null && sent >= sentBefore) {
      eventsPerSecond = Math.round(((sent - sentBefore) / seconds) * 10) / 10;
    }
    const buckets = bucketsSince(previous.metrics.latencyBuckets, scrape.metrics.latencyBuckets);
    if (buckets) {
      p50Ms = toMs(histogramQuantile(0.5, buckets));
      p99Ms = toMs(histogramQuantile(0.99, buckets));
    }
  }
  const point: OpsPoint = {
    at: scrape.at,
    activeConnections: scrape.health.connections.active,
    eventsPerSecond,
    p50Ms,
    p99Ms,
  };
  const since = scrape.at - windowMs;
  return { points: [...history.points.filter((p) => p.at >= since), point], last: scrape };
}

/**
 * A chart's text alternative: the latest value and how it moved over the points kept, e.g.
 * "3 now; up from 1 over the last 15 min".
 */
export function describeTrend(values: readonly (number | null)[], format: (value: number) => string): string {
  const known = values.filter((v): v is number => v !== null);
  const latest = values.at(-1);
  const first = known[0];
  if (latest === null || latest === undefined || first === undefined) return 'no data yet';
  const now = `${format(latest)} now`;
  if (known.length < 2) return now;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const range = min === max ? '' : ` (between ${format(min)} and ${format(max)})`;
  if (latest > first) return `${now}; up from ${format(first)}${range}`;
  if (latest < first) return `${now}; down from ${format(first)}${range}`;
  return `${now}; level${range}`;
}
