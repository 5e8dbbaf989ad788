/**
 * The mocks' in-memory server: tasks and each user's bounded event log, with sessions
 * (`MockSessions`) and open streams (`MockStreams`) beside it. Every rule — task versions, replay,
 * errors — comes from protocol/, as on the real server; this file adds only the scenario knobs
 * (`MockConfig`) that make it slow, flaky, stalled, forgetful or expiring. One instance is shared
 * by every handler and reset between scenarios and tests.
 */
import {
  type CommunitiesResponse,
  type CreateTaskBody,
  cancelledTask,
  demoCommunities,
  failStepFor,
  formatEventId,
  getTaskType,
  type HealthResponse,
  isTerminal,
  type ListTasksQuery,
  type ListTasksResponse,
  notFound,
  randomFailStep,
  type ScriptedStep,
  type Task,
  type TaskScriptEntry,
  type TaskType,
  taskScript,
} from '../protocol';
import { type AutoStartTask, defaultMockConfig, type MockConfig } from './mock-config';
import { MockSessions, randomId, sessionTtlDefaultMs } from './mock-sessions';
import {
  type MockEventStore,
  type MockLoggedEvent,
  MockStreams,
  type TaskRecord,
  type UserLog,
} from './mock-streams';
import { type Clock, realClock, Scheduler } from './scheduler';

/** Finished tasks kept for lists and snapshots, as on the server. */
const recentFinishedMax = 50;

export class MockBackend implements MockEventStore {
  config: MockConfig = { ...defaultMockConfig };
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly sessions: MockSessions;
  readonly streams: MockStreams;
  epoch = '0';
  private readonly logs = new Map<string, UserLog>();
  private readonly tasks = new Map<string, TaskRecord>();
  private startedAt = 0;

  constructor(options: { clock?: Clock; config?: Partial<MockConfig> } = {}) {
    this.clock = options.clock ?? realClock;
    this.scheduler = new Scheduler(this.clock);
    const ms = (scenarioMs: number) => this.ms(scenarioMs);
    this.sessions = new MockSessions(this.clock, this.scheduler, ms, (userId) => this.streams.expire(userId));
    this.streams = new MockStreams(this, this.sessions, () => this.config, this.clock, this.scheduler, ms);
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
    this.sessions.clear();
    this.streams.reset();
    this.startedAt = this.clock.now();
    this.epoch = String(Math.max(this.clock.now(), Number(this.epoch) + 1));
    if (this.config.user)
      this.sessions.signIn(this.config.user, this.config.sessionTtlMs ?? sessionTtlDefaultMs);
    this.scheduler.every(this.ms(this.config.heartbeatMs), () => this.streams.beat());
    for (const auto of this.config.autoStart) this.scheduleAutoStart(auto);
  }

  /** Stops every timer and ends every stream. State stays readable. */
  stop(): void {
    this.scheduler.cancelAll();
    this.streams.closeAll();
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

  // --- tasks ----------------------------------------------------------------------------------

  /**
   * `POST /api/tasks` with a body already checked by protocol's `parseCreateTaskBody`: emits
   * `started` and schedules the rest of the type's script (or `steps`), failing where the scenario asks.
   */
  createTask(userId: string, body: CreateTaskBody, steps?: readonly ScriptedStep[]): Task {
    const { type, params = {}, trigger = 'manual' } = body;
    const failAtStep =
      failStepFor(type, params.failAt ?? this.config.failAt) ??
      (params.failureRate ? randomFailStep(type, params.failureRate, Math.random) : null);
    const script = taskScript({
      id: `t_${randomId(12)}`,
      ownerId: userId,
      type,
      trigger,
      createdAt: this.clock.now(),
      speed: this.config.taskSpeed * this.config.timeScale,
      failAtStep,
      params,
      ...(steps ? { script: steps } : {}),
    });
    const [first, ...rest] = script;
    if (!first) throw new Error('empty task script');
    this.emit(first);
    for (const entry of rest) this.scheduler.after(entry.atMs, () => this.emit(entry), first.task.id);
    return first.task;
  }

  /** `POST /api/tasks/:id/cancel`: the task ends `cancelled` now (409 when finished); its worker stops. */
  cancelTask(userId: string, taskId: string): Task {
    const cancelled = cancelledTask(this.getTask(userId, taskId), new Date(this.clock.now()));
    this.scheduler.cancelGroup(taskId);
    this.emit({ atMs: 0, name: 'cancelled', task: cancelled });
    return cancelled;
  }

  /** One of the user's tasks; another user's task is a 404 exactly like an unknown id. */
  getTask(userId: string, taskId: string): Task {
    const record = this.tasks.get(taskId);
    if (!record || record.task.ownerId !== userId) throw notFound();
    return record.task;
  }

  recordOf(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
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
    const event: MockLoggedEvent = { id: formatEventId(this.epoch, log.seq), seq: log.seq, name, task };
    log.events.push(event);
    if (log.events.length > this.config.logSize)
      log.events.splice(0, log.events.length - this.config.logSize);
    this.tasks.set(task.id, { task, lastEventId: event.id });
    this.streams.publish(event);
  }

  logOf(userId: string): UserLog {
    let log = this.logs.get(userId);
    if (!log) {
      log = { seq: 0, events: [] };
      this.logs.set(userId, log);
    }
    return log;
  }

  // --- operations and demo data ---------------------------------------------------------------

  /** `GET /api/health`, from the open streams of this backend. */
  health(degraded = false): HealthResponse {
    const now = this.clock.now();
    const open = this.streams.open;
    const stale = open.filter((c) => c.muted).length;
    const ages = open.map((c) => now - c.openedAt);
    return {
      status: degraded ? 'degraded' : 'ok',
      redis: degraded ? 'down' : 'up',
      connections: {
        active: open.length,
        total: this.streams.totalConnections,
        healthy: open.length - stale,
        unhealthy: 0,
        stale,
      },
      averageConnectionMs: ages.length ? Math.round(ages.reduce((a, b) => a + b, 0) / ages.length) : 0,
      connectionErrors: this.streams.connectionErrors,
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
}

/** A stage the type has, or the type's middle stage (see `failStepFor`). */
function resolveStage(type: TaskType, stage: string): string {
  const index = failStepFor(type, stage);
  return index === null ? stage : getTaskType(type).steps[index]!.stage;
}
