import {
  ContractError,
  isTerminal,
  logCovers,
  malformedIdReason,
  notFound,
  parseEventId,
  pickLastEventId,
  resetReason,
  type StreamEventName,
  sawTheEndByPosition,
  sawTheEndInLog,
  type Task,
  type TaskEventName,
} from '../protocol';
import type { MockConfig } from './mock-config';
import type { MockSessions, RequestLike } from './mock-sessions';
import type { Clock, Scheduler } from './scheduler';

/** Where a stream writes; handlers adapt MSW's `sse()` client to it. */
export interface StreamSink {
  send(name: StreamEventName, data: unknown, id?: string): void;
  retry(ms: number): void;
  /** Ends the response; EventSource reconnects after its retry delay with Last-Event-ID. */
  close(): void;
}

export interface MockLoggedEvent {
  readonly id: string;
  readonly seq: number;
  readonly name: TaskEventName;
  readonly task: Task;
}

/** One user's event log: the latest seq and the events still kept (oldest first). */
export interface UserLog {
  seq: number;
  events: MockLoggedEvent[];
}

export interface TaskRecord {
  task: Task;
  lastEventId: string;
}

/** What the streams read of the backend's state. */
export interface MockEventStore {
  readonly epoch: string;
  logOf(userId: string): UserLog;
  recordOf(taskId: string): TaskRecord | undefined;
  tasksOf(userId: string): { active: Task[]; finished: Task[] };
}

/** The stream knobs of a scenario. */
export type StreamConfig = Pick<
  MockConfig,
  | 'heartbeatMs'
  | 'retryMs'
  | 'maxStreamsPerUser'
  | 'dropAfterTaskEvents'
  | 'dropConnections'
  | 'stallAfterMs'
  | 'stallConnections'
>;

interface Connection {
  readonly number: number;
  readonly url: string;
  /** Id of the last task event written to this connection. */
  lastId: string | null;
  readonly userId: string;
  /** Per-task stream (`/api/tasks/:id/events`) when set. */
  readonly taskId: string | null;
  readonly sink: StreamSink;
  readonly openedAt: number;
  readonly dropsAfter: number | null;
  taskEvents: number;
  muted: boolean;
  closed: boolean;
}

/**
 * The mocks' open streams: opening checks, catch-up by the protocol's replay rules, live delivery
 * and the scenario's faults (drops, stalls). Timing comes from the backend's scheduler.
 */
export class MockStreams {
  private readonly connections = new Set<Connection>();
  /** Per stream URL, the last id a stream the server ended had delivered (see `lastEventIdOf`). */
  private readonly resumeByUrl = new Map<string, string>();
  private streamNumber = 0;
  totalConnections = 0;
  connectionErrors = 0;

  constructor(
    private readonly store: MockEventStore,
    private readonly sessions: MockSessions,
    private readonly config: () => StreamConfig,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly ms: (scenarioMs: number) => number,
  ) {}

  /** Ends every stream and forgets the counts. */
  reset(): void {
    this.closeAll();
    this.resumeByUrl.clear();
    this.streamNumber = 0;
    this.totalConnections = 0;
    this.connectionErrors = 0;
  }

  closeAll(): void {
    for (const conn of [...this.connections]) this.closeConnection(conn);
  }

  get open(): readonly { readonly openedAt: number; readonly muted: boolean }[] {
    return [...this.connections];
  }

  /** Checks before `/api/events` answers 200: a 401 or a 429 is a status, not a stream. */
  checkUserStream(request: RequestLike): void {
    const userId = this.sessions.authenticateStream(request, false);
    const open = [...this.connections].filter((c) => c.userId === userId && !c.closed).length;
    const max = this.config().maxStreamsPerUser;
    if (open >= max) {
      throw new ContractError(
        'too-many-streams',
        `at most ${max} streams per user; close another tab or retry later`,
        429,
        { 'Retry-After': '5' },
      );
    }
  }

  /**
   * `GET /api/events`: `connected`, then the missed events when `Last-Event-ID` is still covered by
   * the log, else (`reset` +) `snapshot`; then live events and heartbeats. Returns a close function.
   */
  openUserStream(request: RequestLike, sink: StreamSink): () => void {
    return this.openStream(request, null, sink);
  }

  /**
   * Checks before `/api/tasks/:id/events` answers 200: 401, 404, or `204` when the client already
   * has the finished task's final event (which stops EventSource for good).
   */
  checkTaskStream(request: RequestLike, taskId: string): 'open' | 'ended' {
    const userId = this.sessions.authenticateStream(request, false);
    const record = this.store.recordOf(taskId);
    if (!record || record.task.ownerId !== userId) throw notFound();
    const from = parseEventId(this.lastEventIdOf(request, false));
    if (from && isTerminal(record.task.status)) {
      const log = this.store.logOf(userId);
      const at = { epoch: this.store.epoch, headSeq: log.seq, lastEventId: record.lastEventId };
      const window = { ...at, events: log.events.filter((e) => e.seq > from.seq) };
      if (sawTheEndByPosition(from, at) ?? sawTheEndInLog(window, from, taskId)) {
        this.lastEventIdOf(request, true);
        return 'ended';
      }
    }
    this.checkUserStream(request);
    return 'open';
  }

  /** `GET /api/tasks/:id/events`: like `/api/events` for one task, ending after its terminal event. */
  openTaskStream(request: RequestLike, taskId: string, sink: StreamSink): () => void {
    return this.openStream(request, taskId, sink);
  }

  /** Delivers a freshly logged event to its owner's open streams. */
  publish(event: MockLoggedEvent): void {
    for (const conn of [...this.connections]) {
      if (conn.userId === event.task.ownerId) this.deliver(conn, event);
    }
  }

  /** The session of `userId` ran out: `auth-expired`, then the end of each of its streams. */
  expire(userId: string): void {
    for (const conn of [...this.connections]) {
      if (conn.userId !== userId || conn.closed) continue;
      conn.sink.send('auth-expired', {});
      this.closeConnection(conn);
    }
  }

  beat(): void {
    const serverTime = new Date(this.clock.now()).toISOString();
    for (const conn of this.connections) {
      if (!conn.closed && !conn.muted) conn.sink.send('heartbeat', { serverTime });
    }
  }

  private openStream(request: RequestLike, taskId: string | null, sink: StreamSink): () => void {
    const userId = this.sessions.authenticateStream(request, true);
    const raw = this.lastEventIdOf(request, true);
    const conn = this.connect(request.url, userId, taskId, sink);
    this.catchUp(conn, raw);
    return () => this.forgetConnection(conn);
  }

  /**
   * Where a stream resumes: the `Last-Event-ID` header, else the id a stream the server ended on
   * this same URL last delivered, else `?lastEventId=` (a manual reconnect) — the first of them
   * that parses, as the server picks it.
   *
   * The middle step is for the browser: Chromium does not show a service worker the
   * `Last-Event-ID` header EventSource sends on its own reconnects, so MSW never sees it. A native
   * reconnect reuses the URL, and after a clean end the client holds exactly what was delivered,
   * so that id is what the browser sent. Used once (`consume`); a header makes it moot.
   */
  private lastEventIdOf(request: RequestLike, consume: boolean): string | null {
    const header = request.headers.get('last-event-id');
    const remembered = this.resumeByUrl.get(request.url);
    if (consume) this.resumeByUrl.delete(request.url);
    const query = new URL(request.url).searchParams.get('lastEventId');
    return pickLastEventId(header ?? remembered, query);
  }

  private connect(url: string, userId: string, taskId: string | null, sink: StreamSink): Connection {
    const number = taskId === null ? ++this.streamNumber : 0;
    const config = this.config();
    const { dropAfterTaskEvents, dropConnections, stallAfterMs, stallConnections } = config;
    const drops =
      taskId === null &&
      dropAfterTaskEvents !== null &&
      (dropConnections === null || number <= dropConnections);
    const conn: Connection = {
      number,
      url,
      lastId: null,
      userId,
      taskId,
      sink,
      openedAt: this.clock.now(),
      dropsAfter: drops ? dropAfterTaskEvents : null,
      taskEvents: 0,
      muted: false,
      closed: false,
    };
    this.connections.add(conn);
    this.totalConnections++;
    sink.retry(this.ms(config.retryMs));
    sink.send('connected', {
      userId,
      serverTime: new Date(this.clock.now()).toISOString(),
      heartbeatMs: this.ms(config.heartbeatMs),
    });
    if (taskId === null && stallAfterMs !== null && number <= stallConnections) {
      // A silent dead connection: open, but nothing more arrives (the client's watchdog must notice).
      this.scheduler.after(this.ms(stallAfterMs), () => {
        conn.muted = true;
      });
    }
    return conn;
  }

  private catchUp(conn: Connection, raw: string | null): void {
    const from = parseEventId(raw);
    const log = this.store.logOf(conn.userId);
    const head = { epoch: this.store.epoch, headSeq: log.seq };
    if (from) {
      const missed = log.events.filter((e) => e.seq > from.seq);
      if (logCovers({ ...head, events: missed }, from)) {
        for (const event of missed) this.deliver(conn, event);
        return;
      }
    }
    const reason = from ? resetReason(head, from) : raw === null ? null : malformedIdReason;
    if (reason) conn.sink.send('reset', { reason });
    if (conn.taskId === null) {
      const { active, finished } = this.store.tasksOf(conn.userId);
      conn.sink.send('snapshot', { tasks: [...active, ...finished] });
      return;
    }
    const record = this.store.recordOf(conn.taskId);
    if (!record) {
      this.closeConnection(conn);
      return;
    }
    conn.sink.send('snapshot', { tasks: [record.task] });
    if (isTerminal(record.task.status)) {
      conn.sink.send(record.task.status, { task: record.task }, record.lastEventId);
      conn.lastId = record.lastEventId;
      this.closeConnection(conn);
    }
  }

  private deliver(conn: Connection, event: MockLoggedEvent): void {
    if (conn.closed || conn.muted) return;
    if (conn.taskId !== null && event.task.id !== conn.taskId) return;
    conn.sink.send(event.name, { task: event.task }, event.id);
    conn.lastId = event.id;
    conn.taskEvents++;
    if (conn.taskId !== null && isTerminal(event.task.status)) {
      this.closeConnection(conn);
    } else if (conn.dropsAfter !== null && conn.taskEvents >= conn.dropsAfter) {
      this.connectionErrors++;
      this.closeConnection(conn);
    }
  }

  /** Ends a stream from the server side; the client will reconnect on the same URL. */
  private closeConnection(conn: Connection): void {
    if (conn.closed) return;
    if (conn.lastId !== null) this.resumeByUrl.set(conn.url, conn.lastId);
    this.forgetConnection(conn);
    conn.sink.close();
  }

  private forgetConnection(conn: Connection): void {
    conn.closed = true;
    this.connections.delete(conn);
  }
}
