import { Loader2, Wifi, WifiOff } from 'lucide-react';
import { useNow } from '../../lib/use-now';
import { type ConnectionState, useConnectionStore } from '../../stores/connection-store';

/** What the indicator says for a state; `now` drives the countdown. */
export function describeConnection(state: ConnectionState, now: number): { label: string; detail: string } {
  switch (state.status) {
    case 'connecting':
      return { label: 'Connecting…', detail: 'Opening live updates' };
    case 'live':
      return { label: 'Live', detail: 'Live updates on' };
    case 'reconnecting': {
      const s = Math.ceil((state.nextAt - now) / 1000);
      return {
        label: s > 0 ? `Reconnecting in ${s} s…` : 'Reconnecting…',
        detail: `Connection lost (attempt ${state.attempt})`,
      };
    }
    case 'polling':
      return {
        label: `Live updates paused — checking every ${Math.round(state.intervalMs / 1000)} s`,
        detail: 'The live connection is down; progress is fetched periodically meanwhile',
      };
    case 'offline':
      return { label: 'Offline', detail: 'No network: updates resume when you are back online' };
    case 'signed-out':
      return { label: 'Signed out', detail: 'Sign in to see live updates' };
  }
}

export interface ConnectionIndicatorProps {
  /** Overrides the store (the demo gallery shows every state). */
  state?: ConnectionState;
  lastHeartbeatAt?: number | null;
}

/** Seed 004's Wifi / WifiOff indicator, with a pulse on each heartbeat. */
export function ConnectionIndicator({ state, lastHeartbeatAt }: ConnectionIndicatorProps) {
  const stored = useConnectionStore((s) => s.connection);
  const storedBeat = useConnectionStore((s) => s.lastHeartbeatAt);
  const connection = state ?? stored;
  const beat = lastHeartbeatAt === undefined ? storedBeat : lastHeartbeatAt;
  const counting = connection.status === 'reconnecting';
  const now = useNow(counting);
  const { label, detail } = describeConnection(connection, now);

  const tone =
    connection.status === 'live'
      ? 'text-emerald-700 bg-emerald-50 ring-emerald-200'
      : connection.status === 'connecting'
        ? 'text-slate-600 bg-slate-50 ring-slate-200'
        : connection.status === 'signed-out'
          ? 'text-slate-500 bg-slate-50 ring-slate-200'
          : 'text-amber-800 bg-amber-50 ring-amber-200';

  return (
    <div
      title={detail}
      data-connection={connection.status}
      className={`inline-flex max-w-full items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset ${tone}`}
    >
      {connection.status === 'live' ? (
        <span className="relative inline-flex">
          <Wifi className="size-3.5" aria-hidden="true" />
          {beat !== null && (
            // A new key per heartbeat restarts the one-shot pulse.
            <span
              key={beat}
              className="absolute inset-0 rounded-full bg-emerald-400 opacity-0 animate-[heartbeat-pulse_0.9s_ease-out] motion-reduce:hidden"
              aria-hidden="true"
            />
          )}
        </span>
      ) : connection.status === 'connecting' ? (
        <Loader2 className="size-3.5 animate-spin motion-reduce:animate-none" aria-hidden="true" />
      ) : (
        <WifiOff className="size-3.5" aria-hidden="true" />
      )}
      <span className="truncate" aria-hidden="true">
        {label}
      </span>
      {/* Screen readers hear the mode change once, not every tick of the countdown. */}
      <span className="sr-only" aria-live="polite">
        {connection.status === 'reconnecting' ? 'Connection lost, reconnecting' : label}
      </span>
    </div>
  );
}
