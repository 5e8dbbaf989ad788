import type { StreamEvent } from './events';
import type { Task } from './task';

/** Client-side task state: tasks keyed by id (never by type: two tasks of one type coexist). */
export type TaskMap = Readonly<Record<string, Task>>;

/** Keeps the task with the higher version; equal versions keep the current object (idempotent). */
export function mergeTask(tasks: TaskMap, task: Task): TaskMap {
  const current = tasks[task.id];
  if (current && current.version >= task.version) return tasks;
  return { ...tasks, [task.id]: task };
}

/**
 * The one reducer of stream events into task state, used by the SPA store, the polling
 * fallback and the mocks. Pure; applying the same event twice, or an older version, is a no-op.
 */
export function applyEvent(tasks: TaskMap, event: StreamEvent): TaskMap {
  switch (event.type) {
    case 'started':
    case 'progress':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return mergeTask(tasks, event.data.task);
    case 'snapshot':
      return applySnapshot(tasks, event.data.tasks);
    case 'connected':
    case 'reset':
    case 'heartbeat':
    case 'auth-expired':
      return tasks;
    default:
      return assertNever(event);
  }
}

/**
 * A snapshot names the tasks the server holds for the user now: tasks it no longer lists are
 * dropped, and a task the client already knows at a higher version keeps that version.
 */
export function applySnapshot(tasks: TaskMap, snapshot: readonly Task[]): TaskMap {
  const next: Record<string, Task> = {};
  for (const task of snapshot) {
    const known = tasks[task.id];
    next[task.id] = known && known.version > task.version ? known : task;
  }
  return next;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
