/** The scenario knobs of the mock backend, apart so that the backend's parts can share them. */
import type { TaskType } from '../protocol';

/** A task the scenario starts by itself, as if someone had pressed its button. */
export interface AutoStartTask {
  type: TaskType;
  /** When it starts, ms after the scenario begins. Default 0. */
  atMs?: number;
  /** A stage to fail in (see `failStepFor`); default the scenario's `failAt`. */
  failAt?: string;
  /** Cancels the task this long after it started, ms, as `POST /api/tasks/:id/cancel` would. */
  cancelAfterMs?: number;
}

/**
 * Scenario knobs. Durations are in scenario milliseconds: every one of them (step durations,
 * heartbeat, retry, latencies, TTLs, start times) is divided by `timeScale`.
 */
export interface MockConfig {
  /** Divides every delay, for tests: 20 runs a scenario twenty times faster. Default 1. */
  timeScale: number;
  /** Divides the registry's step durations, like the server's `SIMULATION_SPEED`. Default 1. */
  taskSpeed: number;
  /** Interval of `heartbeat` events, ms (`HEARTBEAT_MS`). Default 15000. */
  heartbeatMs: number;
  /** Reconnect delay sent as `retry:` when a stream opens, ms (`RETRY_MS`). Default 1000. */
  retryMs: number;
  /** Events kept per user for `Last-Event-ID` replay (`EVENT_LOG_SIZE`). Default 1000. */
  logSize: number;
  /** Open streams per user before `429` (`MAX_STREAMS_PER_USER`). Default 10. */
  maxStreamsPerUser: number;
  /** Latency of every REST answer, ms (never applied to streams). Default 0. */
  restLatencyMs: number;
  /** Every task fails in this stage (or its type's middle stage when it has no such stage). Default null. */
  failAt: string | null;
  /** `/api/events` connections end after this many task events (the client resumes). Default null. */
  dropAfterTaskEvents: number | null;
  /** How many `/api/events` connections drop, counting from the first; null = all. Default null. */
  dropConnections: number | null;
  /** The first `stallConnections` `/api/events` connections go silent (no events, no heartbeats) after this, ms. */
  stallAfterMs: number | null;
  /** See `stallAfterMs`. Default 1. */
  stallConnections: number;
  /** The scenario's initial session ends after this, ms (`auth-expired`, then 401). Default null. */
  sessionTtlMs: number | null;
  /** Signed in when the scenario starts (a dev user), or null to start at the sign-in page. Default 'alice'. */
  user: string | null;
  /** Tasks the scenario starts by itself. */
  autoStart: readonly AutoStartTask[];
}

export const defaultMockConfig: MockConfig = {
  timeScale: 1,
  taskSpeed: 1,
  heartbeatMs: 15_000,
  retryMs: 1000,
  logSize: 1000,
  maxStreamsPerUser: 10,
  restLatencyMs: 0,
  failAt: null,
  dropAfterTaskEvents: null,
  dropConnections: null,
  stallAfterMs: null,
  stallConnections: 1,
  sessionTtlMs: null,
  user: 'alice',
  autoStart: [],
};
