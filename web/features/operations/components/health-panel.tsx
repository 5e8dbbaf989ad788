import { Database, HeartPulse } from 'lucide-react';
import type { HealthResponse } from '../../../../protocol';
import { Badge } from '../../../components/ui/badge';
import { formatClock, formatDuration } from '../../../lib/format';
import { Panel } from './panel';
import { Stat } from './stat';

export interface HealthPanelProps {
  health: HealthResponse;
  /** When this answer was read (epoch ms). */
  at: number;
}

/** `GET /api/health` as people read it: the verdict, Redis, and seed 002's connection figures. */
export function HealthPanel({ health, at }: HealthPanelProps) {
  const { connections } = health;
  return (
    <Panel
      id="health"
      title="Health"
      icon={<HeartPulse className="size-4 text-rose-600" aria-hidden="true" />}
      aside={
        <>
          <span data-testid="health-status">
            <Badge tone={health.status === 'ok' ? 'success' : 'danger'}>
              {health.status === 'ok' ? 'OK' : 'Degraded'}
            </Badge>
          </span>
          <span data-testid="redis-state">
            <Badge tone={health.redis === 'up' ? 'success' : 'danger'}>
              <Database className="size-3" aria-hidden="true" />
              Redis {health.redis}
            </Badge>
          </span>
          <span className="ml-auto text-xs text-slate-600">
            Up {formatDuration(health.uptimeS * 1000)} · read at <time>{formatClock(at)}</time>
          </span>
        </>
      }
    >
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7">
        <Stat label="Active" value={connections.active} testId="connections-active" />
        <Stat label="Opened" value={connections.total} testId="connections-total" hint="since start" />
        <Stat label="Healthy" value={connections.healthy} testId="connections-healthy" />
        <Stat label="Unhealthy" value={connections.unhealthy} testId="connections-unhealthy" />
        <Stat label="Stale" value={connections.stale} testId="connections-stale" />
        <Stat
          label="Avg. connection"
          value={formatDuration(health.averageConnectionMs)}
          testId="connections-average"
        />
        <Stat label="Errors" value={health.connectionErrors} testId="connection-errors" />
      </dl>
    </Panel>
  );
}
