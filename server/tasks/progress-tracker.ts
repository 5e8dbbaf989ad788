import { randomBytes } from 'node:crypto';
import {
  isTerminal,
  percentOf,
  type Task,
  type TaskEventName,
  type TaskTrigger,
  type TaskType,
  type TaskUpdateBody,
  taskEventNameFor,
  taskTypes,
  taskUpdateBodySchema,
} from '../../protocol';
import { AppError, notFound, validationError } from '../errors';
import type { TaskStore } from './task-store';

export interface CreateTaskInput {
  ownerId: string;
  type: TaskType;
  /** Progress total; defaults to the registry's total for the type. */
  total?: number;
  trigger?: TaskTrigger;
  /** `running` for in-process workers that start at once; `pending` for tasks an outside worker will pick up. */
  status?: 'pending' | 'running';
  stage?: string;
  message?: string;
}

/** A partial update, as seed 002's updateTask takes it; validated like the HTTP ingestion body. */
export type TaskPatch = TaskUpdateBody;

/** Called after every successful write, for metrics. */
export type TaskWriteListener = (task: Task, event: TaskEventName) => void;

/**
 * The worker-side API: create a task, report progress, finish it. Every call writes the whole
 * task with version + 1 and emits its event atomically (see TaskStore.write); concurrent writers
 * (a worker and a cancel) are resolved by retrying on a version conflict, and a finished task
 * can never be moved back (409 `task-finished`).
 */
export class ProgressTracker {
  constructor(
    private readonly store: TaskStore,
    private readonly options: { now?: () => Date; onWrite?: TaskWriteListener } = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async create(input: CreateTaskInput): Promise<Task> {
    const now = this.now().toISOString();
    const total = input.total ?? taskTypes[input.type].total;
    const status = input.status ?? 'running';
    const task: Task = {
      id: newTaskId(),
      type: input.type,
      ownerId: input.ownerId,
      status,
      progress: { current: 0, total, percent: 0 },
      trigger: input.trigger ?? 'manual',
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...(status === 'running' ? { startedAt: now } : {}),
      ...(input.stage ? { stage: input.stage } : {}),
      ...(input.message ? { message: input.message } : {}),
    };
    const outcome = await this.store.write(task, 'started');
    if (!outcome.ok) throw new AppError('task-exists', 'task id collision, try again', 409);
    this.options.onWrite?.(task, 'started');
    return task;
  }

  /** Applies a partial update. Throws 404 for an unknown task, 409 for a finished one, 400 for bad input. */
  async update(taskId: string, patch: TaskPatch): Promise<Task> {
    const parsed = taskUpdateBodySchema.safeParse(patch);
    if (!parsed.success) throw validationError(parsed.error, 'invalid-progress');
    const body = parsed.data;
    // A final status (cancel, fail, complete) must not lose to concurrent progress reports: each
    // conflict means another writer got in, so it keeps trying until written or finished by another.
    const attempts = body.status && isTerminal(body.status) ? 1000 : 8;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const current = await this.store.get(taskId);
      if (!current) throw notFound();
      const next = applyPatch(current.task, body, this.now());
      const event = taskEventNameFor(next, false);
      const outcome = await this.store.write(next, event);
      if (outcome.ok) {
        this.options.onWrite?.(next, event);
        return next;
      }
    }
    throw new AppError('task-busy', 'task is being updated concurrently, try again', 409);
  }

  start(taskId: string, message?: string): Promise<Task> {
    return this.update(taskId, { status: 'running', ...(message ? { message } : {}) });
  }

  complete(taskId: string, result?: TaskPatch['result'], message?: string): Promise<Task> {
    return this.update(taskId, {
      status: 'completed',
      ...(result ? { result } : {}),
      ...(message ? { message } : {}),
    });
  }

  fail(taskId: string, error: string): Promise<Task> {
    return this.update(taskId, { status: 'failed', error });
  }

  cancel(taskId: string): Promise<Task> {
    return this.update(taskId, { status: 'cancelled', message: 'Cancelled' });
  }

  async get(taskId: string): Promise<Task | null> {
    return (await this.store.get(taskId))?.task ?? null;
  }
}

/** The next version of `task` after `patch`, or a 4xx AppError. Pure. */
export function applyPatch(task: Task, patch: TaskUpdateBody, at: Date): Task {
  if (isTerminal(task.status)) {
    throw new AppError('task-finished', `task is already ${task.status} and cannot change`, 409);
  }
  const now = at.toISOString();
  let status = patch.status ?? task.status;
  if (status === 'pending' && task.status === 'running') {
    throw new AppError('invalid-transition', 'a running task cannot go back to pending', 409);
  }
  if (status === 'pending' && patch.progress) status = 'running';

  const total = patch.progress?.total ?? task.progress.total;
  let current = task.progress.current;
  if (patch.progress?.current !== undefined) current = patch.progress.current;
  else if (patch.progress?.percent !== undefined) current = (patch.progress.percent / 100) * total;
  if (status === 'completed') current = total;
  if (current > total) throw new AppError('invalid-progress', 'current must not exceed total', 400);
  const percent =
    patch.progress?.percent !== undefined && patch.progress.current === undefined && status !== 'completed'
      ? Math.floor(patch.progress.percent)
      : percentOf(current, total);

  const next: Task = {
    ...task,
    status,
    progress: { current, total, percent },
    version: task.version + 1,
    updatedAt: now,
  };
  if (patch.stage !== undefined) next.stage = patch.stage;
  if (patch.message !== undefined) next.message = patch.message;
  if (patch.data !== undefined) next.data = { ...task.data, ...patch.data };
  if (status !== 'pending' && !next.startedAt) next.startedAt = now;

  if (isTerminal(status)) {
    next.finishedAt = now;
    delete next.etaMs;
    if (status === 'completed') {
      if (patch.result !== undefined) next.result = patch.result;
      delete next.error;
    } else if (status === 'failed') {
      next.error = patch.error ?? task.error ?? 'The task failed';
    }
  } else {
    if (patch.result !== undefined || patch.error !== undefined) {
      throw new AppError('invalid-progress', 'result and error are set only with a final status', 400);
    }
    const eta = estimateRemainingMs(next, at);
    if (eta === undefined) delete next.etaMs;
    else next.etaMs = eta;
  }
  return next;
}

/** Linear estimate from elapsed time and percent done; undefined until there is something to go on. */
function estimateRemainingMs(task: Task, at: Date): number | undefined {
  const p = task.progress.percent;
  if (!task.startedAt || p <= 0 || p >= 100) return undefined;
  const elapsed = at.getTime() - Date.parse(task.startedAt);
  return Math.max(0, Math.round((elapsed * (100 - p)) / p));
}

/** 16 URL-safe characters, 96 random bits: unguessable, so ids leak nothing about other users. */
function newTaskId(): string {
  return `t_${randomBytes(12).toString('base64url')}`;
}
