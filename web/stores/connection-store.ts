import { create } from 'zustand';
import { inDevtools } from './dev-tools';

/**
 * What the app knows about its live updates, shown by the header indicator:
 * - `connecting`: opening the stream (first load, or after sign-in);
 * - `live`: the stream delivers events;
 * - `reconnecting`: the stream dropped; the next attempt (`attempt`, 1-based) is at `nextAt` (epoch ms);
 * - `polling`: the stream has been down a while; tasks are polled every `intervalMs` meanwhile;
 * - `offline`: the browser says it has no network; nothing is tried until it comes back;
 * - `signed-out`: no session; the sign-in page shows.
 */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'live'; since: number }
  | { status: 'reconnecting'; attempt: number; nextAt: number }
  | { status: 'polling'; intervalMs: number; attempt: number; nextAt: number }
  | { status: 'offline' }
  | { status: 'signed-out' };

interface ConnectionStoreState {
  connection: ConnectionState;
  /** When the latest heartbeat arrived (epoch ms), for the indicator's pulse. */
  lastHeartbeatAt: number | null;
  /** True in a tab that relays the leader tab's stream instead of holding its own. */
  follower: boolean;
}

const initial: ConnectionStoreState = {
  connection: { status: 'connecting' },
  lastHeartbeatAt: null,
  follower: false,
};

export const useConnectionStore = create<ConnectionStoreState>()(
  inDevtools<ConnectionStoreState>('connection', () => initial),
);

export function setConnectionState(connection: ConnectionState): void {
  useConnectionStore.setState({ connection });
}

export function markHeartbeat(at: number): void {
  useConnectionStore.setState({ lastHeartbeatAt: at });
}

export function setFollower(follower: boolean): void {
  useConnectionStore.setState({ follower });
}

export function getConnectionState(): ConnectionState {
  return useConnectionStore.getState().connection;
}

export function resetConnectionStore(): void {
  useConnectionStore.setState(initial, true);
}
