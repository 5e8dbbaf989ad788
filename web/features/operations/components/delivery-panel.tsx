import { Gauge } from 'lucide-react';
import type { OpsMetrics } from '../api/get-operations';
import { describeTrend, type OpsPoint, opsWindowMs } from '../api/ops-history';
import { LiveChart } from './live-chart';
import { Panel } from './panel';
import { Stat } from './stat';

export interface DeliveryPanelProps {
  points: readonly OpsPoint[];
  metrics: OpsMetrics;
}

const count = (v: number) => String(v);
const perSecond = (v: number) => `${v}/s`;
const ms = (v: number) => `${v} ms`;
const windowLabel = `the last ${opsWindowMs / 60_000} min`;

function figure(value: number | null): string | number {
  return value ?? '—';
}

/** The live charts (connections, events per second, publish → write latency) and the stream counters. */
export function DeliveryPanel({ points, metrics }: DeliveryPanelProps) {
  const times = points.map((p) => p.at);
  const active = points.map((p) => p.activeConnections);
  const rate = points.map((p) => p.eventsPerSecond);
  const p50 = points.map((p) => p.p50Ms);
  const p99 = points.map((p) => p.p99Ms);
  const latencySummary =
    p50.at(-1) === null || p50.at(-1) === undefined
      ? 'no events delivered in the last interval'
      : `p50 ${describeTrend(p50, ms)}; p99 ${describeTrend(p99, ms)}`;

  return (
    <Panel
      id="delivery"
      title="Delivery"
      icon={<Gauge className="size-4 text-indigo-600" aria-hidden="true" />}
      aside={
        <p className="text-xs text-slate-600 sm:ml-auto">
          Charts keep {windowLabel}; rates and latency per 5 s interval.
        </p>
      }
    >
      <div className="grid gap-4 md:grid-cols-3">
        <LiveChart
          title="Active connections"
          times={times}
          series={[{ label: 'Active', color: '#4f46e5', values: active }]}
          summary={describeTrend(active, count)}
        />
        <LiveChart
          title="Events delivered per second"
          times={times}
          series={[{ label: 'Events/s', color: '#0891b2', values: rate }]}
          summary={describeTrend(rate, perSecond)}
        />
        <LiveChart
          title="Publish to write latency"
          times={times}
          unit=" ms"
          series={[
            { label: 'p50', color: '#059669', values: p50 },
            { label: 'p99', color: '#d97706', values: p99 },
          ]}
          summary={latencySummary}
        />
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <Stat
          label="Events sent"
          value={figure(metrics.eventsSent)}
          testId="events-sent"
          hint="since start"
        />
        <Stat label="Replays" value={figure(metrics.replays)} testId="replays" />
        <Stat label="Replayed events" value={figure(metrics.replayedEvents)} testId="replayed-events" />
        <Stat label="Resets" value={figure(metrics.resets)} testId="resets" />
        <Stat label="Gap fills" value={figure(metrics.gapFills)} testId="gap-fills" />
        <Stat label="Redis errors" value={figure(metrics.redisErrors)} testId="redis-errors" />
      </dl>
    </Panel>
  );
}
