import {
  initialStreamReading,
  readStreamEvent,
  type StreamEvent,
  type StreamReading,
  streamEventNames,
} from '../../protocol';
import type { ConnectionState } from '../stores/connection-store';
import { backoffDelay } from './backoff';
import { Poller } from './poller';
import {
  type EventSourceFactory,
  type EventSourceLike,
  resolveSettings,
  type StreamClientOptions,
  type StreamClientSettings,
} from './stream-client-options';
import { fetchTaskList, jsonRequest, parseStreamFrame, type RejectedTask } from './task-list';

export type { EventSourceLike, StreamClientOptions };

const CONNECTING = 0;

type Phase =
  | 'idle'
  | 'loading'
  | 'connecting'
  | 'native-retry'
  | 'live'
  | 'waiting'
  | 'offline'
  | 'signed-out'
  | 'stopped';

/**
 * The one live connection of the app, owned outside React. It reads the task list, opens the
 * stream at the list's cursor, feeds every valid event to `onOp`, and keeps the stream alive:
 * full-jitter backoff, a heartbeat watchdog driven by timestamps, resume by last event id, polling
 * while down, and a hand-back to the stream when it returns.
 */
export class StreamClient {
  private readonly settings: StreamClientSettings;
  private readonly createEventSource: EventSourceFactory;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly random: () => number;

  private phase: Phase = 'idle';
  private source: EventSourceLike | null = null;
  private opened = false;
  private attempt = 0;
  private lastEventId: string | null = null;
  private heartbeatMs: number;
  private lastFrameAt = 0;
  private connectStartedAt = 0;
  private liveSince = 0;
  private downSince: number | null = null;
  private nextAt = 0;
  private reading: StreamReading = initialStreamReading;
  private readonly poller: Poller;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** Bumped on stop/sign-out so that answers of older requests are ignored. */
  private generation = 0;

  constructor(private readonly options: StreamClientOptions) {
    this.settings = resolveSettings(options);
    this.createEventSource =
      options.createEventSource ?? ((url) => new EventSource(url) as unknown as EventSourceLike);
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.heartbeatMs = this.settings.defaultHeartbeatMs;
    this.poller = new Poller({
      tasksUrl: this.settings.tasksUrl,
      intervalMs: this.settings.pollIntervalMs,
      fetch: this.fetchFn,
      activeTaskIds: options.activeTaskIds,
      canStart: () => this.phase !== 'live' && this.phase !== 'offline' && !this.isEnded(),
      onStart: () => this.emitDownState(),
      onOp: options.onOp,
      onUnauthorized: () => this.signOut('expired'),
      onRejectedTasks: options.onRejectedTasks,
    });
  }

  private isEnded(): boolean {
    return this.phase === 'stopped' || this.phase === 'signed-out';
  }

  /** The last task event id seen: where a new connection (or another tab) resumes. */
  get resumeId(): string | null {
    return this.lastEventId;
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  get failures(): number {
    return this.attempt;
  }

  /**
   * Starts: reads `GET /api/tasks` and opens the stream at its cursor; with `resumeFrom` (a tab
   * taking over, a re-sign-in of the same user) opens the stream at that id straight away.
   */
  start(options: { resumeFrom?: string | null } = {}): void {
    if (this.phase !== 'idle' && this.phase !== 'stopped' && this.phase !== 'signed-out') return;
    this.generation++;
    this.phase = 'idle';
    this.attempt = 0;
    this.downSince = null;
    this.reading = initialStreamReading;
    this.startWatchdog();
    if (options.resumeFrom) {
      this.lastEventId = options.resumeFrom;
      this.connect();
    } else {
      this.lastEventId = null;
      void this.loadThenConnect();
    }
  }

  /** Closes everything; nothing more is emitted. */
  stop(): void {
    this.generation++;
    this.closeSource();
    this.clearReconnectTimer();
    this.stopPolling();
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.phase = 'stopped';
  }

  /** The browser is back online: try at once. */
  handleOnline(): void {
    if (this.phase === 'offline' || this.phase === 'waiting') this.connect();
    else this.reconnectIfStale();
  }

  /** The browser went offline: stop trying until `handleOnline`. */
  handleOffline(): void {
    if (this.phase === 'stopped' || this.phase === 'signed-out' || this.phase === 'idle') return;
    this.closeSource();
    this.clearReconnectTimer();
    this.stopPolling();
    this.phase = 'offline';
    this.downSince ??= this.now();
    this.emitState({ status: 'offline' });
  }

  /** The page became visible (or another tab asks): reconnect at once when down or stale. */
  handleVisible(): void {
    if (this.phase === 'waiting') this.connect();
    else this.reconnectIfStale();
  }

  /** A stream silent past twice the heartbeat is dead: count the failure, but retry now. */
  private reconnectIfStale(): void {
    if (!this.isStale()) return;
    this.fail();
    this.connect();
  }

  private async loadThenConnect(): Promise<void> {
    const generation = this.generation;
    this.phase = 'loading';
    this.emitState({ status: 'connecting' });
    try {
      const prefetched = this.options.takePrefetchedTaskList?.();
      const list = await fetchTaskList(prefetched ? () => prefetched : this.fetchFn, this.settings.tasksUrl, {
        signal: timeoutSignal(this.settings.firstByteTimeoutMs),
      });
      if (generation !== this.generation) return;
      if (list.kind === 'unauthorized') return this.signOut('expired');
      this.reportRejected(list.rejected);
      this.options.onOp({ kind: 'load', tasks: list.tasks });
      this.lastEventId = list.cursor;
      this.connect();
    } catch {
      if (generation !== this.generation) return;
      // Without the list, the stream's own snapshot brings the state.
      this.fail();
    }
  }

  private connect(): void {
    if (this.phase === 'stopped' || this.phase === 'signed-out') return;
    this.clearReconnectTimer();
    this.closeSource();
    if (!this.isOnline()) {
      this.handleOffline();
      return;
    }
    const url = this.lastEventId
      ? `${this.settings.eventsUrl}?lastEventId=${encodeURIComponent(this.lastEventId)}`
      : this.settings.eventsUrl;
    const source = this.createEventSource(url);
    this.source = source;
    this.opened = false;
    this.phase = 'connecting';
    this.connectStartedAt = this.now();
    if (this.attempt === 0) this.emitState({ status: 'connecting' });
    else this.emitDownState();
    source.onopen = () => {
      if (this.source === source) this.opened = true;
    };
    source.onerror = () => this.handleError(source);
    for (const name of streamEventNames) {
      source.addEventListener(name, (event) => this.handleFrame(source, name, event));
    }
  }

  private handleFrame(source: EventSourceLike, name: string, message: MessageEvent<string>): void {
    if (this.source !== source) return;
    const frame = parseStreamFrame(name, message.data, message.lastEventId || undefined);
    if (!frame) return;
    this.reportRejected(frame.rejected);
    const at = this.now();
    this.lastFrameAt = at;
    this.apply(frame.event, at);
    this.markHealthy(at);
  }

  private reportRejected(rejected: readonly RejectedTask[]): void {
    if (rejected.length) this.options.onRejectedTasks?.(rejected);
  }

  /** The task state goes through the protocol's reader; this adds the connection's own bookkeeping. */
  private apply(event: StreamEvent, at: number): void {
    const { op, reading } = readStreamEvent(this.reading, event);
    this.reading = reading;
    switch (event.type) {
      case 'connected':
        this.heartbeatMs = event.data.heartbeatMs;
        this.goLive(at);
        return;
      case 'snapshot':
        this.goLive(at);
        break;
      case 'started':
      case 'progress':
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.goLive(at);
        this.lastEventId = event.id;
        this.options.onEventId?.(event.id);
        break;
      case 'reset':
        break;
      case 'heartbeat':
        this.options.onHeartbeat?.(at);
        return;
      case 'auth-expired':
        this.signOut('expired');
        return;
    }
    if (op) this.options.onOp(op);
  }

  private goLive(at: number): void {
    if (this.phase === 'live') return;
    this.phase = 'live';
    this.liveSince = at;
    this.downSince = null;
    this.stopPolling();
    this.emitState({ status: 'live', since: at });
  }

  /** Backoff starts over only after a healthy period with valid frames, not on any short-lived open. */
  private markHealthy(at: number): void {
    if (this.phase === 'live' && this.attempt > 0 && at - this.liveSince >= this.settings.healthyAfterMs) {
      this.attempt = 0;
    }
  }

  private handleError(source: EventSourceLike): void {
    if (this.source !== source) return;
    const wasLive = this.phase === 'live';
    const opened = this.opened;
    if (wasLive && source.readyState === CONNECTING) {
      // A live stream ended (server drain or a dropped socket): the browser reconnects after the
      // server's `retry:` with `Last-Event-ID`. Give it that one try; the watchdog bounds it.
      this.phase = 'native-retry';
      this.opened = false;
      this.attempt++;
      this.downSince = this.now();
      this.connectStartedAt = this.now();
      this.nextAt = this.now() + this.settings.retryFloorMs;
      this.emitDownState();
      return;
    }
    this.closeSource();
    if (!opened && !wasLive) void this.probeSession();
    this.fail();
  }

  /** EventSource hides status codes: after a refused stream, `/api/auth/me` tells a 401 apart. */
  private async probeSession(): Promise<void> {
    const generation = this.generation;
    try {
      const res = await this.fetchFn(this.settings.meUrl, jsonRequest);
      if (generation !== this.generation) return;
      if (res.status === 401 && this.phase !== 'live') this.signOut('expired');
    } catch {
      // Network down: backoff goes on.
    }
  }

  private fail(): void {
    if (this.phase === 'stopped' || this.phase === 'signed-out') return;
    this.closeSource();
    this.clearReconnectTimer();
    this.attempt++;
    const now = this.now();
    this.downSince ??= now;
    if (!this.isOnline()) {
      this.handleOffline();
      return;
    }
    this.phase = 'waiting';
    const delay = backoffDelay(
      this.attempt,
      {
        baseMs: this.settings.baseDelayMs,
        capMs: this.settings.maxDelayMs,
        floorMs: this.settings.retryFloorMs,
      },
      this.random,
    );
    this.nextAt = now + delay;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.schedulePolling(now);
    this.emitDownState();
  }

  private schedulePolling(now: number): void {
    if (this.downSince === null) return;
    this.poller.schedule(Math.max(0, this.downSince + this.settings.pollAfterMs - now));
  }

  private stopPolling(): void {
    this.poller.stop();
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.tick(), this.settings.watchdogTickMs);
  }

  /** Compares timestamps, so a throttled (late) tick in a hidden tab never reconnects by mistake. */
  private tick(): void {
    const now = this.now();
    if (this.phase === 'connecting' || this.phase === 'native-retry') {
      if (now - this.connectStartedAt > this.settings.firstByteTimeoutMs) {
        // No first byte: poll at once while the stream keeps being retried.
        this.downSince = Math.min(this.downSince ?? this.connectStartedAt, this.connectStartedAt);
        this.fail();
      }
      return;
    }
    this.checkStale();
    this.markHealthy(now);
  }

  private isStale(): boolean {
    return this.phase === 'live' && this.now() - this.lastFrameAt > 2 * this.heartbeatMs;
  }

  private checkStale(): void {
    if (this.isStale()) this.fail();
  }

  private signOut(reason: 'expired'): void {
    this.generation++;
    this.closeSource();
    this.clearReconnectTimer();
    this.stopPolling();
    this.phase = 'signed-out';
    this.emitState({ status: 'signed-out' });
    this.options.onSignedOut?.(reason);
  }

  private emitDownState(): void {
    const { attempt, nextAt } = this;
    if (this.poller.active) {
      this.emitState({ status: 'polling', intervalMs: this.settings.pollIntervalMs, attempt, nextAt });
    } else {
      this.emitState({ status: 'reconnecting', attempt, nextAt });
    }
  }

  private emitState(state: ConnectionState): void {
    this.options.onState(state);
  }

  private isOnline(): boolean {
    return this.options.isOnline?.() ?? true;
  }

  private closeSource(): void {
    if (!this.source) return;
    const source = this.source;
    this.source = null;
    source.onopen = null;
    source.onerror = null;
    source.close();
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}

function timeoutSignal(ms: number): AbortSignal | undefined {
  return typeof AbortSignal !== 'undefined' && 'timeout' in AbortSignal ? AbortSignal.timeout(ms) : undefined;
}
