/**
 * The mocks' in-memory server: sessions, tasks, each user's bounded event log, open streams and
 * the heartbeat — the same behaviour the contract gives the real server (docs/contract.md),
 * with scenario knobs (`MockConfig`) to make it slow, flaky, stalled, forgetful or expiring.
 * One instance is shared by every handler and reset between scenarios and tests.
 */
import {
  type CommunitiesResponse,
  type CreateTaskBody,
  demoCommunities,
  type EventPosition,
  formatEventId,
  getTaskType,
  type HealthResponse,
  isTerminal,
  type ListTasksQuery,
  type ListTasksResponse,
  parseEventId,
  type StreamEventName,
  stagesOf,
  type Task,
  type TaskEventName,
  type TaskType,
  type User,
} from '../protocol';
import {
  type Clock,
  cancelledTask,
  failStepFor,
  realClock,
  Scheduler,
  type TaskScriptEntry,
  taskScript,
} from './scenario-script';

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

/** The seeded dev users of the contract (`alice` and `bob`, password `demo`). */
export const devUsers: Readonly<Record<string, string>> = { alice: 'demo', bob: 'demo' };

/** Finished tasks kept for lists and snapshots, as on the server. */
export const recentFinishedMax = 50;
const sessionTtlDefaultMs = 60 * 60 * 1000;
const ticketTtlMs = 60_000;

/** An error answer of the contract: `{ error: { code, message } }` with its status. */
export class MockHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const unauthorized = () => new MockHttpError(401, 'unauthorized', 'sign in required');
const notFound = () => new MockHttpError(404, 'not-found', 'task not found');

/** Where a stream writes; handlers adapt MSW's `sse()` client to it. */
export interface StreamSink {
  send(name: StreamEventName, data: unknown, id?: string): void;
  retry(ms: number): void;
  /** Ends the response; EventSource reconnects after its retry delay with Last-Event-ID. */
  close(): void;
}

interface LoggedEvent {
  readonly id: string;
  readonly seq: number;
  readonly name: TaskEventName;
  readonly task: Task;
}

interface UserLog {
  seq: number;
  events: LoggedEvent[];
}

interface TaskRecord {
  task: Task;
  lastEventId: string;
}

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

interface Session {
  userId: string;
  expiresAt: number;
}

/** A request's view the backend needs: the URL and the headers. */
export interface RequestLike {
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

function randomId(bytes: number): string {
  const raw = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(raw);
  let text = '';
  for (const b of raw) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class MockBackend {
  config: MockConfig = { ...defaultMockConfig };
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  private epoch = '0';
  private readonly logs = new Map<string, UserLog>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly connections = new Set<Connection>();
  private readonly tickets = new Map<string, { userId: string; expiresAt: number }>();
  /** Per stream URL, the last id a stream the server ended had delivered (see `lastEventIdOf`). */
  private readonly resumeByUrl = new Map<string, string>();
  private session: Session | null = null;
  private streamNumber = 0;
  private totalConnections = 0;
  private connectionErrors = 0;
  private startedAt = 0;

  constructor(options: { clock?: Clock; config?: Partial<MockConfig> } = {}) {
    this.clock = options.clock ?? realClock;
    this.scheduler = new Scheduler(this.clock);
    this.reset(options.config);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /**
   * Starts over with `config` (on top of the defaults): no tasks, no streams (open ones are ended,
   * so clients reconnect into a new epoch: reset + snapshot), a new epoch, the scenario's session
   * and its auto-started tasks.
   */
  reset(config: Partial<MockConfig> = {}): void {
    this.stop();
    this.config = { ...defaultMockConfig, ...config };
    this.logs.clear();
    this.tasks.clear();
    this.tickets.clear();
    this.resumeByUrl.clear();
    this.streamNumber = 0;
    this.totalConnections = 0;
    this.connectionErrors = 0;
    this.startedAt = this.clock.now();
    this.epoch = String(Math.max(this.clock.now(), Number(this.epoch) + 1));
    this.session = null;
    if (this.config.user) this.signIn(this.config.user, this.config.sessionTtlMs ?? sessionTtlDefaultMs);
    this.scheduler.every(this.ms(this.config.heartbeatMs), () => this.beat());
    for (const auto of this.config.autoStart) this.scheduleAutoStart(auto);
  }

  /** Stops every timer and ends every stream. State stays readable. */
  stop(): void {
    this.scheduler.cancelAll();
    for (const conn of [...this.connections]) this.closeConnection(conn);
  }

  /** A scenario duration in real ms. */
  ms(scenarioMs: number): number {
    return Math.max(1, Math.round(scenarioMs / this.config.timeScale));
  }

  /** Waits the configured REST latency (REST only; stream resolvers never wait). */
  latency(): Promise<void> | undefined {
    if (this.config.restLatencyMs <= 0) return undefined;
    return new Promise((resolve) => this.clock.setTimeout(resolve, this.ms(this.config.restLatencyMs)));
  }

  // --- auth -----------------------------------------------------------------------------------

  /** The signed-in user of the one browser session the mocks hold, or a 401. */
  authenticate(request: RequestLike): string {
    if (new URL(request.url).searchParams.has('token')) {
      throw new MockHttpError(401, 'token-in-url', 'tokens are not accepted in URLs');
    }
    const session = this.session;
    if (!session || session.expiresAt <= this.clock.now()) throw unauthorized();
    return session.userId;
  }

  /** Like `authenticate`, plus a single-use `?ticket=` (consumed only when `consume`). */
  authenticateStream(request: RequestLike, consume: boolean): string {
    const ticket = new URL(request.url).searchParams.get('ticket');
    if (ticket === null) return this.authenticate(request);
    const found = this.tickets.get(ticket);
    if (!found || found.expiresAt <= this.clock.now()) {
      throw new MockHttpError(401, 'invalid-ticket', 'ticket is invalid, expired or already used');
    }
    if (consume) this.tickets.delete(ticket);
    return found.userId;
  }

  login(username: string, password: string): User {
    if (devUsers[username] === undefined || devUsers[username] !== password) {
      throw new MockHttpError(401, 'invalid-credentials', 'wrong username or password');
    }
    this.signIn(username, sessionTtlDefaultMs);
    return { id: username, name: username };
  }

  logout(): void {
    this.session = null;
  }

  issueTicket(userId: string): { ticket: string; expiresInS: number } {
    const ticket = randomId(24);
    this.tickets.set(ticket, { userId, expiresAt: this.clock.now() + ticketTtlMs });
    return { ticket, expiresInS: ticketTtlMs / 1000 };
  }

  private signIn(userId: string, ttlMs: number): void {
    const session: Session = { userId, expiresAt: this.clock.now() + this.ms(ttlMs) };
    this.session = session;
    this.scheduler.after(this.ms(ttlMs), () => {
      if (this.session !== session) return;
      this.session = null;
      for (const conn of [...this.connections]) {
        if (conn.userId !== userId || conn.closed) continue;
        conn.sink.send('auth-expired', {});
        this.closeConnection(conn);
      }
    });
  }

  // --- tasks ----------------------------------------------------------------------------------

  /** `POST /api/tasks`: creates the task, emits `started` and schedules the rest of its script. */
  createTask(userId: string, body: CreateTaskBody): Task {
    const { type, params = {}, trigger = 'manual' } = body;
    if (params.failAt && !stagesOf(type).includes(params.failAt)) {
      throw new MockHttpError(
        400,
        'unknown-stage',
        `${type} has no stage "${params.failAt}" (stages: ${stagesOf(type).join(', ')})`,
      );
    }
    let failAtStep = failStepFor(type, params.failAt ?? this.config.failAt);
    if (failAtStep === null && params.failureRate) {
      const steps = getTaskType(type).steps.length;
      const index = getTaskType(type).steps.findIndex(() => Math.random() < params.failureRate! / steps);
      failAtStep = index >= 0 ? index : null;
    }
    const script = taskScript({
      id: `t_${randomId(12)}`,
      ownerId: userId,
      type,
      trigger,
      createdAt: this.clock.now(),
      speed: this.config.taskSpeed * this.config.timeScale,
      failAtStep,
    });
    const [first, ...rest] = script;
    if (!first) throw new Error('empty task script');
    this.emit(first);
    for (const entry of rest) this.scheduler.after(entry.atMs, () => this.emit(entry), first.task.id);
    return first.task;
  }

  /** `POST /api/tasks/:id/cancel`: the task ends `cancelled` now; its worker stops (no later step). */
  cancelTask(userId: string, taskId: string): Task {
    const task = this.getTask(userId, taskId);
    if (isTerminal(task.status)) {
      throw new MockHttpError(409, 'task-finished', `task is already ${task.status}`);
    }
    this.scheduler.cancelGroup(taskId);
    const cancelled = cancelledTask(task, this.clock.now());
    this.emit({ atMs: 0, name: 'cancelled', task: cancelled });
    return cancelled;
  }

  /** One of the user's tasks; another user's task is a 404 exactly like an unknown id. */
  getTask(userId: string, taskId: string): Task {
    const record = this.tasks.get(taskId);
    if (!record || record.task.ownerId !== userId) throw notFound();
    return record.task;
  }

  /** `GET /api/tasks`: active (newest first) and recently finished tasks, and the cursor. */
  listTasks(userId: string, query: ListTasksQuery): ListTasksResponse {
    const { active, finished } = this.tasksOf(userId);
    let tasks =
      query.status === 'active' ? active : query.status === 'finished' ? finished : [...active, ...finished];
    if (query.type) tasks = tasks.filter((t) => t.type === query.type);
    return { tasks, cursor: formatEventId(this.epoch, this.logOf(userId).seq) };
  }

  /** The user's active tasks and the last `recentFinishedMax` finished ones. */
  tasksOf(userId: string): { active: Task[]; finished: Task[] } {
    const mine = [...this.tasks.values()].map((r) => r.task).filter((t) => t.ownerId === userId);
    const active = mine
      .filter((t) => !isTerminal(t.status))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const finished = mine
      .filter((t) => isTerminal(t.status))
      .sort((a, b) => (b.finishedAt ?? b.updatedAt).localeCompare(a.finishedAt ?? a.updatedAt))
      .slice(0, recentFinishedMax);
    return { active, finished };
  }

  private scheduleAutoStart(auto: AutoStartTask): void {
    const owner = this.config.user ?? 'alice';
    this.scheduler.after(this.ms(auto.atMs ?? 0), () => {
      const task = this.createTask(owner, {
        type: auto.type,
        ...(auto.failAt ? { params: { failAt: resolveStage(auto.type, auto.failAt) } } : {}),
      });
      if (auto.cancelAfterMs !== undefined) {
        this.scheduler.after(this.ms(auto.cancelAfterMs), () => {
          const now = this.tasks.get(task.id)?.task;
          if (now && !isTerminal(now.status)) this.cancelTask(owner, task.id);
        });
      }
    });
  }

  /** Appends one task event to its owner's log (id `<epoch>.<seq>`) and delivers it to open streams. */
  private emit(entry: TaskScriptEntry): void {
    const { task, name } = entry;
    const log = this.logOf(task.ownerId);
    log.seq += 1;
    const event: LoggedEvent = { id: formatEventId(this.epoch, log.seq), seq: log.seq, name, task };
    log.events.push(event);
    if (log.events.length > this.config.logSize)
      log.events.splice(0, log.events.length - this.config.logSize);
    this.tasks.set(task.id, { task, lastEventId: event.id });
    for (const conn of [...this.connections]) {
      if (conn.userId === task.ownerId) this.deliver(conn, event);
    }
  }

  private logOf(userId: string): UserLog {
    let log = this.logs.get(userId);
    if (!log) {
      log = { seq: 0, events: [] };
      this.logs.set(userId, log);
    }
    return log;
  }

  // --- streams --------------------------------------------------------------------------------

  /** Checks before `/api/events` answers 200: a 401 or a 429 is a status, not a stream. */
  checkUserStream(request: RequestLike): void {
    const userId = this.authenticateStream(request, false);
    const open = [...this.connections].filter((c) => c.userId === userId && !c.closed).length;
    if (open >= this.config.maxStreamsPerUser) {
      throw new MockHttpError(
        429,
        'too-many-streams',
        `at most ${this.config.maxStreamsPerUser} streams per user; close another tab or retry later`,
        { 'Retry-After': '5' },
      );
    }
  }

  /**
   * `GET /api/events`: `connected`, then the missed events when `Last-Event-ID` is still covered by
   * the log, else (`reset` +) `snapshot`; then live events and heartbeats. Returns a close function.
   */
  openUserStream(request: RequestLike, sink: StreamSink): () => void {
    const userId = this.authenticateStream(request, true);
    const raw = this.lastEventIdOf(request, true);
    const conn = this.open(request.url, userId, null, sink);
    this.catchUp(conn, raw);
    return () => this.forgetConnection(conn);
  }

  /**
   * Checks before `/api/tasks/:id/events` answers 200: 401, 400 (malformed id), 404, or `204` when
   * the client already has the finished task's final event (which stops EventSource for good).
   */
  checkTaskStream(request: RequestLike, taskId: string): 'open' | 'ended' {
    const userId = this.authenticateStream(request, false);
    const record = this.tasks.get(taskId);
    if (!record || record.task.ownerId !== userId) throw notFound();
    const from = parseEventId(this.lastEventIdOf(request, false));
    if (from && isTerminal(record.task.status) && this.sawTheEnd(userId, taskId, from, record)) {
      this.lastEventIdOf(request, true);
      return 'ended';
    }
    this.checkUserStream(request);
    return 'open';
  }

  /** `GET /api/tasks/:id/events`: like `/api/events` for one task, ending after its terminal event. */
  openTaskStream(request: RequestLike, taskId: string, sink: StreamSink): () => void {
    const userId = this.authenticateStream(request, true);
    const raw = this.lastEventIdOf(request, true);
    const conn = this.open(request.url, userId, taskId, sink);
    this.catchUp(conn, raw);
    return () => this.forgetConnection(conn);
  }

  /**
   * Where a stream resumes: the `Last-Event-ID` header, else the id a stream the server ended on
   * this same URL last delivered, else `?lastEventId=` (a manual reconnect), as the server reads it.
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
    return header ?? remembered ?? new URL(request.url).searchParams.get('lastEventId');
  }

  private open(url: string, userId: string, taskId: string | null, sink: StreamSink): Connection {
    const number = taskId === null ? ++this.streamNumber : 0;
    const { dropAfterTaskEvents, dropConnections, stallAfterMs, stallConnections } = this.config;
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
    sink.retry(this.ms(this.config.retryMs));
    sink.send('connected', {
      userId,
      serverTime: new Date(this.clock.now()).toISOString(),
      heartbeatMs: this.ms(this.config.heartbeatMs),
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
    const log = this.logOf(conn.userId);
    if (from && this.logCovers(log, from)) {
      for (const event of log.events) if (event.seq > from.seq) this.deliver(conn, event);
      return;
    }
    const reason = from ? this.resetReason(log, from) : raw === null ? null : 'malformed Last-Event-ID';
    if (reason) conn.sink.send('reset', { reason });
    if (conn.taskId === null) {
      const { active, finished } = this.tasksOf(conn.userId);
      conn.sink.send('snapshot', { tasks: [...active, ...finished] });
      return;
    }
    const record = this.tasks.get(conn.taskId);
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

  /** True when the log still holds every event after `from` (same epoch, nothing trimmed). */
  private logCovers(log: UserLog, from: EventPosition): boolean {
    if (from.epoch !== this.epoch || from.seq > log.seq) return false;
    if (from.seq === log.seq) return true;
    const first = log.events[0];
    return first !== undefined && first.seq <= from.seq + 1;
  }

  private resetReason(log: UserLog, from: EventPosition): string {
    if (from.epoch !== this.epoch) return 'event store was reset';
    if (from.seq > log.seq) return 'unknown event id';
    return 'missed events are no longer retained';
  }

  private sawTheEnd(userId: string, taskId: string, from: EventPosition, record: TaskRecord): boolean {
    const log = this.logOf(userId);
    const final = parseEventId(record.lastEventId);
    if (final && from.epoch === final.epoch && from.epoch === this.epoch) {
      if (from.seq >= final.seq && from.seq <= log.seq) return true;
      if (from.seq < final.seq) return false;
    }
    if (!this.logCovers(log, from)) return false;
    return !log.events.some((e) => e.seq > from.seq && e.task.id === taskId);
  }

  private deliver(conn: Connection, event: LoggedEvent): void {
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

  private beat(): void {
    const serverTime = new Date(this.clock.now()).toISOString();
    for (const conn of this.connections) {
      if (!conn.closed && !conn.muted) conn.sink.send('heartbeat', { serverTime });
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

  // --- operations and demo data ---------------------------------------------------------------

  /** `GET /api/health`, from the open streams of this backend. */
  health(degraded = false): HealthResponse {
    const now = this.clock.now();
    const open = [...this.connections];
    const stale = open.filter((c) => c.muted).length;
    const ages = open.map((c) => now - c.openedAt);
    return {
      status: degraded ? 'degraded' : 'ok',
      redis: degraded ? 'down' : 'up',
      connections: {
        active: open.length,
        total: this.totalConnections,
        healthy: open.length - stale,
        unhealthy: 0,
        stale,
      },
      averageConnectionMs: ages.length ? Math.round(ages.reduce((a, b) => a + b, 0) / ages.length) : 0,
      connectionErrors: this.connectionErrors,
      uptimeS: Math.round((now - this.startedAt) / 1000),
    };
  }

  /** `GET /api/communities`: the seeded set before any rebuild, the registry's count after each one. */
  communities(userId: string): CommunitiesResponse {
    const rebuilds = this.tasksOf(userId).finished.filter(
      (t) => t.type === 'rebuild_communities' && t.status === 'completed',
    );
    const latest = rebuilds[0];
    return {
      communities: demoCommunities(userId, rebuilds.length),
      generation: rebuilds.length,
      rebuiltAt: latest ? (latest.finishedAt ?? latest.updatedAt) : null,
    };
  }

  /** Counts for tests and the toolbar. */
  get stats(): { openStreams: number; totalStreams: number; epoch: string } {
    return { openStreams: this.connections.size, totalStreams: this.totalConnections, epoch: this.epoch };
  }
}

/** A stage the type has, or the type's middle stage (see `failStepFor`). */
function resolveStage(type: TaskType, stage: string): string {
  const index = failStepFor(type, stage);
  return index === null ? stage : getTaskType(type).steps[index]!.stage;
}
