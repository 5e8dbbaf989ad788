import {
  applyPatch,
  cancelPatch,
  isTerminal,
  type NewTaskInput,
  newTask,
  parseTaskUpdate,
  type Task,
  type TaskEventName,
  type TaskUpdateBody,
  taskEventNameFor,
} from '../../protocol';
import { AppError, notFound } from '../errors';
import { newTaskId } from './keys';
import type { TaskStore } from './task-store';

export type CreateTaskInput = Omit<NewTaskInput, 'id'>;

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

  /** Writes version 1 of a new task; 400 when the input would make a task the protocol refuses. */
  async create(input: CreateTaskInput): Promise<Task> {
    const task = newTask({ ...input, id: newTaskId(input.ownerId) }, this.now());
    const outcome = await this.store.write(task, 'started');
    if (!outcome.ok) throw new AppError('task-exists', 'task id collision, try again', 409);
    this.options.onWrite?.(task, 'started');
    return task;
  }

  /** Applies a partial update (see protocol's `applyPatch`). Throws 404 for an unknown task, 409 for a finished one, 400 for bad input. */
  async update(taskId: string, patch: TaskPatch): Promise<Task> {
    const body = parseTaskUpdate(patch);
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
    return this.update(taskId, cancelPatch);
  }

  async get(taskId: string): Promise<Task | null> {
    return (await this.store.get(taskId))?.task ?? null;
  }
}
