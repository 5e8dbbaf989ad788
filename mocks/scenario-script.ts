/**
 * Task scripts for the mocks, generated from the registry: a task's events come from
 * `taskTypes[type].steps` (progress, stage, message, data) and end with the type's `result` and
 * `completedMessage`, or with the failing step's `failMessage`. No step text is written here.
 *
 * A script is data — `{ atMs, event }` entries — and a small scheduler plays it on a clock. The
 * scheduler never blocks: MSW resolvers return at once and sends happen later on timers.
 */
import {
  formatEventId,
  getTaskType,
  percentOf,
  type StreamEvent,
  stagesOf,
  type Task,
  type TaskEventName,
  type TaskTrigger,
  type TaskType,
} from '../protocol';

// ---------------------------------------------------------------------------------------------
// Clock and scheduler
// ---------------------------------------------------------------------------------------------

export type TimerHandle = unknown;

/** Time source and timer for the mocks: real timers in the browser, a virtual clock in unit tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. Timers are looked up on `globalThis` at call time, so `vi.useFakeTimers()`
 * installed after import still drives it.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A virtual clock: nothing happens until `advance(ms)`, which runs due timers in time order. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.time + Math.max(0, ms), seq, fn });
    return seq;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way (timers may add timers). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: { at: number; seq: number; fn: () => void } | undefined;
      for (const t of this.timers.values()) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.seq);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }
}

interface Job {
  readonly at: number;
  readonly seq: number;
  readonly group: string | undefined;
  readonly fn: () => void;
}

/**
 * Runs callbacks at times on a clock, in (time, insertion) order, with one clock timer at a time.
 * Jobs can be cancelled one by one or by group (a task's remaining steps). Never awaits.
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private seq = 0;
  private timer: TimerHandle | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(readonly clock: Clock) {}

  /** Runs `fn` after `delayMs` (0 = on the next timer turn). Returns a cancel function. */
  after(delayMs: number, fn: () => void, group?: string): () => void {
    const job: Job = { at: this.clock.now() + Math.max(0, delayMs), seq: ++this.seq, group, fn };
    let i = this.jobs.length;
    while (i > 0 && this.jobs[i - 1]!.at > job.at) i--;
    this.jobs.splice(i, 0, job);
    this.arm();
    return () => this.remove((j) => j === job);
  }

  /** Runs `fn` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, fn: () => void, group?: string): () => void {
    let cancel = (): void => {};
    let stopped = false;
    const tick = (): void => {
      if (stopped) return;
      cancel = this.after(intervalMs, tick, group);
      fn();
    };
    cancel = this.after(intervalMs, tick, group);
    return () => {
      stopped = true;
      cancel();
    };
  }

  cancelGroup(group: string): void {
    this.remove((j) => j.group === group);
  }

  cancelAll(): void {
    this.jobs.length = 0;
    this.disarm();
  }

  get pending(): number {
    return this.jobs.length;
  }

  private remove(match: (job: Job) => boolean): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) if (match(this.jobs[i]!)) this.jobs.splice(i, 1);
    if (this.jobs.length === 0) this.disarm();
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    const first = this.jobs[0];
    if (!first || (this.timer !== null && this.timerAt <= first.at)) return;
    this.disarm();
    this.timerAt = first.at;
    this.timer = this.clock.setTimeout(() => this.run(), first.at - this.clock.now());
  }

  private run(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    // Run everything due now, including jobs that due jobs add for now.
    while (this.jobs.length > 0 && this.jobs[0]!.at <= now) {
      const job = this.jobs.shift()!;
      job.fn();
    }
    this.arm();
  }
}

// ---------------------------------------------------------------------------------------------
// Task scripts: one task's events, from the registry
// ---------------------------------------------------------------------------------------------

/** One scheduled task event: `atMs` after the task was created. */
export interface TaskScriptEntry {
  readonly atMs: number;
  readonly name: TaskEventName;
  readonly task: Task;
}

export interface TaskScriptOptions {
  id: string;
  ownerId: string;
  type: TaskType;
  trigger?: TaskTrigger;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Divides every step duration, like the server's `SIMULATION_SPEED`. Default 1. */
  speed?: number;
  /** Index of the step the task fails in (it fails once that step's time is up), or null. */
  failAtStep?: number | null;
}

/**
 * The step index a task fails at for a stage name: the first step of that stage. A stage the type
 * does not have falls back to the type's middle stage, so a scenario-wide "fail in stage X" still
 * fails every type somewhere sensible. `null` stage = no failure.
 */
export function failStepFor(type: TaskType, stage: string | null | undefined): number | null {
  if (!stage) return null;
  const stages = stagesOf(type);
  const target = stages.includes(stage) ? stage : stages[Math.floor(stages.length / 2)];
  const index = getTaskType(type).steps.findIndex((s) => s.stage === target);
  return index >= 0 ? index : null;
}

/** The error a person reads when a task fails in `stepIndex` (the registry's `failMessage`). */
export function failMessageOf(type: TaskType, stepIndex: number): string {
  const def = getTaskType(type);
  const step = def.steps[stepIndex];
  if (!step) return `${def.title} failed`;
  return step.failMessage ?? `${def.title} failed while ${step.stage.replace(/_/g, ' ')}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Linear estimate of the time left, as the server computes it; undefined before any progress. */
function etaOf(percent: number, elapsedMs: number): number | undefined {
  if (percent <= 0 || percent >= 100) return undefined;
  return Math.max(0, Math.round((elapsedMs * (100 - percent)) / percent));
}

/** The first version of a task, as `POST /api/tasks` answers it and `started` carries it. */
export function createdTask(options: TaskScriptOptions): Task {
  const at = iso(options.createdAt);
  return {
    id: options.id,
    type: options.type,
    ownerId: options.ownerId,
    status: 'running',
    progress: { current: 0, total: getTaskType(options.type).total, percent: 0 },
    trigger: options.trigger ?? 'manual',
    version: 1,
    createdAt: at,
    updatedAt: at,
    startedAt: at,
  };
}

/** The next version of a task after a finishing transition at `atMs` (epoch ms). */
function finishedVersion(task: Task, atMs: number, patch: Partial<Task>): Task {
  const { etaMs: _eta, ...rest } = task;
  return { ...rest, ...patch, version: task.version + 1, updatedAt: iso(atMs), finishedAt: iso(atMs) };
}

/** The `cancelled` version of a running task, as `POST /api/tasks/:id/cancel` makes it. */
export function cancelledTask(task: Task, atMs: number): Task {
  return finishedVersion(task, atMs, { status: 'cancelled', message: 'Cancelled' });
}

/**
 * A task's whole script: `started` at 0, one `progress` per registry step (after that step's
 * duration), then `completed` with the registry's result — or `failed` with the failing step's
 * `failMessage` once that step's time is up. Versions go 1, 2, 3, …; timestamps follow `atMs`.
 */
export function taskScript(options: TaskScriptOptions): TaskScriptEntry[] {
  const def = getTaskType(options.type);
  const speed = options.speed ?? 1;
  const failAt = options.failAtStep ?? null;
  let task = createdTask(options);
  const entries: TaskScriptEntry[] = [{ atMs: 0, name: 'started', task }];
  let atMs = 0;
  for (const [index, step] of def.steps.entries()) {
    atMs += Math.round(step.durationMs / speed);
    const at = options.createdAt + atMs;
    if (index === failAt) {
      task = finishedVersion(task, at, { status: 'failed', error: failMessageOf(options.type, index) });
      entries.push({ atMs, name: 'failed', task });
      return entries;
    }
    const percent = percentOf(step.current, def.total);
    const next: Task = {
      ...task,
      progress: { current: step.current, total: def.total, percent },
      stage: step.stage,
      message: step.message,
      version: task.version + 1,
      updatedAt: iso(at),
    };
    if (step.data) next.data = { ...task.data, ...step.data };
    const eta = etaOf(percent, atMs);
    if (eta === undefined) delete next.etaMs;
    else next.etaMs = eta;
    task = next;
    entries.push({ atMs, name: 'progress', task });
  }
  task = finishedVersion(task, options.createdAt + atMs, {
    status: 'completed',
    progress: { current: def.total, total: def.total, percent: 100 },
    result: { ...def.result },
    message: def.completedMessage,
  });
  entries.push({ atMs, name: 'completed', task });
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Stream scripts: what one `/api/events` connection receives, as data
// ---------------------------------------------------------------------------------------------

/** One entry of a stream script: an event `atMs` after the connection opened. */
export interface ScriptStep {
  readonly atMs: number;
  readonly event: StreamEvent;
}

export interface StreamScriptOptions {
  epoch: string;
  userId: string;
  heartbeatMs: number;
  /** Task scripts with their start offsets from the connection's opening. */
  tasks: readonly { startAtMs: number; script: readonly TaskScriptEntry[] }[];
  /** Sequence number of the user's last event before this script. Default 0. */
  afterSeq?: number;
  /** Connection open time, epoch ms (for `serverTime`). Default the first task's createdAt or 0. */
  openedAt?: number;
}

/**
 * A whole connection's events as data: `connected` and an empty `snapshot` at 0, the tasks'
 * events merged in time order (stable) with ids `<epoch>.<seq>` increasing from `afterSeq + 1`,
 * and a `heartbeat` every `heartbeatMs` until the last task event. For the scenario player and tests.
 */
export function streamScript(options: StreamScriptOptions): ScriptStep[] {
  const openedAt = options.openedAt ?? 0;
  const steps: ScriptStep[] = [
    {
      atMs: 0,
      event: {
        type: 'connected',
        data: { userId: options.userId, serverTime: iso(openedAt), heartbeatMs: options.heartbeatMs },
      },
    },
    { atMs: 0, event: { type: 'snapshot', data: { tasks: [] } } },
  ];
  const taskEvents = options.tasks
    .flatMap(({ startAtMs, script }) => script.map((e) => ({ ...e, atMs: startAtMs + e.atMs })))
    .sort((a, b) => a.atMs - b.atMs);
  const end = taskEvents.at(-1)?.atMs ?? 0;
  const beats: ScriptStep[] = [];
  for (let t = options.heartbeatMs; t <= end; t += options.heartbeatMs) {
    beats.push({ atMs: t, event: { type: 'heartbeat', data: { serverTime: iso(openedAt + t) } } });
  }
  let seq = options.afterSeq ?? 0;
  const withIds: ScriptStep[] = taskEvents.map((e) => ({
    atMs: e.atMs,
    event: { type: e.name, id: formatEventId(options.epoch, ++seq), data: { task: e.task } },
  }));
  // Heartbeats go after task events of the same millisecond (the server beats on its own timer).
  const merged = [...withIds, ...beats].sort((a, b) => a.atMs - b.atMs);
  return [...steps, ...merged];
}

/**
 * Plays a script on a scheduler: `send(event)` at each step's time divided by `timeScale`.
 * Returns a function that stops the rest.
 */
export function playScript(
  scheduler: Scheduler,
  script: readonly ScriptStep[],
  send: (event: StreamEvent) => void,
  timeScale = 1,
): () => void {
  const group = `play-${Math.random().toString(36).slice(2)}`;
  for (const step of script) scheduler.after(step.atMs / timeScale, () => send(step.event), group);
  return () => scheduler.cancelGroup(group);
}
