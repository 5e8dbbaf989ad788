import type { TaskOp } from '../../protocol';
import type { ConnectionState } from '../stores/connection-store';
import type { RejectedTask } from './task-list';

/** The part of the browser's EventSource the client uses (a fake implements it in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface StreamClientOptions {
  /** Stream endpoint. Default `/api/events`. */
  eventsUrl?: string;
  /** Task list endpoint, read first and polled while the stream is down. Default `/api/tasks`. */
  tasksUrl?: string;
  /** Session probe: a 401 here after a refused stream means signed out. Default `/api/auth/me`. */
  meUrl?: string;
  createEventSource?: EventSourceFactory;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Backoff: first ceiling in ms, doubled per failure. Default 1000. */
  baseDelayMs?: number;
  /** Backoff: largest delay in ms. Default 30000. */
  maxDelayMs?: number;
  /**
   * Least reconnect delay in ms: the server's `retry:` base (`RETRY_MS`, default 1000). The browser
   * hides the value it received, so the client honours it by letting the browser make the first
   * reconnect after a live stream ends (it waits exactly the server's, possibly jittered, `retry:`).
   */
  retryFloorMs?: number;
  /** A stream counts as healthy (backoff resets) after being live this long, in ms. Default 10000. */
  healthyAfterMs?: number;
  /** No valid frame this long after opening → treat as down (and poll). Default 10000 ms. */
  firstByteTimeoutMs?: number;
  /** Polling interval while the stream is down, in ms. Default 5000. */
  pollIntervalMs?: number;
  /** Start polling once the stream has been down this long, in ms. Default 2500. */
  pollAfterMs?: number;
  /** Heartbeat interval assumed until `connected` names it, in ms. Default 15000. */
  defaultHeartbeatMs?: number;
  /** How often the watchdog compares timestamps, in ms. Default 1000. */
  watchdogTickMs?: number;
  /** Ids of tasks the app still shows as active: polled one by one when they leave the active list. */
  activeTaskIds?: () => readonly string[];
  /** `navigator.onLine`. Default true when unknown. */
  isOnline?: () => boolean;
  /**
   * A `GET /api/tasks` request already under way (started at boot, beside the session check), used
   * instead of a new one by the first start that reads the list. Called at most once.
   */
  takePrefetchedTaskList?: () => Promise<Response> | null;
  /** Task state changes, in order (batch them before the store). */
  onOp: (op: TaskOp) => void;
  /** Tasks of a list or snapshot that the contract rejected and that were skipped. */
  onRejectedTasks?: (rejected: readonly RejectedTask[]) => void;
  onState: (state: ConnectionState) => void;
  onHeartbeat?: (at: number) => void;
  /** Any valid event id seen, so that another tab can resume from it. */
  onEventId?: (id: string) => void;
  /** The server no longer accepts the session (401 or `auth-expired`): sign in again to resume. */
  onSignedOut?: (reason: 'expired') => void;
}

export type StreamClientSettings = Required<
  Pick<
    StreamClientOptions,
    | 'eventsUrl'
    | 'tasksUrl'
    | 'meUrl'
    | 'baseDelayMs'
    | 'maxDelayMs'
    | 'retryFloorMs'
    | 'healthyAfterMs'
    | 'firstByteTimeoutMs'
    | 'pollIntervalMs'
    | 'pollAfterMs'
    | 'defaultHeartbeatMs'
    | 'watchdogTickMs'
  >
>;

/** The options with their defaults filled in. */
export function resolveSettings(options: StreamClientOptions): StreamClientSettings {
  return {
    eventsUrl: options.eventsUrl ?? '/api/events',
    tasksUrl: options.tasksUrl ?? '/api/tasks',
    meUrl: options.meUrl ?? '/api/auth/me',
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    retryFloorMs: options.retryFloorMs ?? 1000,
    healthyAfterMs: options.healthyAfterMs ?? 10_000,
    firstByteTimeoutMs: options.firstByteTimeoutMs ?? 10_000,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    pollAfterMs: options.pollAfterMs ?? 2500,
    defaultHeartbeatMs: options.defaultHeartbeatMs ?? 15_000,
    watchdogTickMs: options.watchdogTickMs ?? 1000,
  };
}
