import type { StreamEvent } from './events';
import type { Task } from './task';

/** Client-side task state: tasks keyed by id (never by type: two tasks of one type coexist). */
export type TaskMap = Readonly<Record<string, Task>>;

/**
 * One change to a client's task state. Stream events, polled lists, start-up loads and sign-outs
 * are all expressed as ops, so that every path goes through the one reducer, `applyTaskOp`:
 * - `tasks`: task events or polled tasks, merged by version (older versions ignored);
 * - `snapshot`: the server's list of the user's tasks now; `replace` after a `reset`, because the
 *   server's versions may have restarted and a higher version the client holds means nothing;
 * - `load`: a list read at start-up or synced from another tab: replaces everything;
 * - `clear`: signed out.
 */
export type TaskOp =
  | { kind: 'tasks'; tasks: readonly Task[] }
  | { kind: 'snapshot'; tasks: readonly Task[]; replace: boolean }
  | { kind: 'load'; tasks: readonly Task[] }
  | { kind: 'clear' };

/** The one reducer of task state. Pure; applying the same op twice, or an older version, is a no-op. */
export function applyTaskOp(tasks: TaskMap, op: TaskOp): TaskMap {
  switch (op.kind) {
    case 'tasks':
      return op.tasks.reduce(mergeTask, tasks);
    case 'snapshot':
      return op.replace ? fromList(op.tasks) : mergeSnapshot(tasks, op.tasks);
    case 'load':
      return fromList(op.tasks);
    case 'clear':
      return Object.keys(tasks).length ? {} : tasks;
    default:
      return assertNever(op);
  }
}

/** Keeps the task with the higher version; equal versions keep the current object (idempotent). */
function mergeTask(tasks: TaskMap, task: Task): TaskMap {
  const current = tasks[task.id];
  if (current && current.version >= task.version) return tasks;
  return { ...tasks, [task.id]: task };
}

/**
 * A snapshot without a reset names the tasks the server holds for the user now: tasks it no longer
 * lists are dropped, and a task the client already knows at a higher version keeps that version
 * (an event may overtake the snapshot the server built before it).
 */
function mergeSnapshot(tasks: TaskMap, snapshot: readonly Task[]): TaskMap {
  const next: Record<string, Task> = {};
  for (const task of snapshot) {
    const known = tasks[task.id];
    next[task.id] = known && known.version > task.version ? known : task;
  }
  return next;
}

function fromList(tasks: readonly Task[]): TaskMap {
  return Object.fromEntries(tasks.map((t) => [t.id, t]));
}

/**
 * What a stream reader remembers between events: whether a `reset` came and its snapshot is
 * still to come (that snapshot replaces everything instead of merging).
 */
export interface StreamReading {
  readonly afterReset: boolean;
}

export const initialStreamReading: StreamReading = { afterReset: false };

/**
 * Translates one stream event into the op it means for task state (null: it changes no task) and
 * the reading to carry to the next event. Every stream reader (the SPA's client, the mocks'
 * recorder) goes through here, so none can disagree about `reset`.
 */
export function readStreamEvent(
  reading: StreamReading,
  event: StreamEvent,
): { op: TaskOp | null; reading: StreamReading } {
  switch (event.type) {
    case 'started':
    case 'progress':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return { op: { kind: 'tasks', tasks: [event.data.task] }, reading };
    case 'snapshot':
      return {
        op: { kind: 'snapshot', tasks: event.data.tasks, replace: reading.afterReset },
        reading: initialStreamReading,
      };
    case 'reset':
      return { op: null, reading: { afterReset: true } };
    case 'connected':
    case 'heartbeat':
    case 'auth-expired':
      return { op: null, reading };
    default:
      return assertNever(event);
  }
}

/** Task state folded from a stream: the tasks plus where the reading of the stream stands. */
export interface StreamFold {
  readonly tasks: TaskMap;
  readonly reading: StreamReading;
}

export function streamFoldOf(tasks: TaskMap = {}): StreamFold {
  return { tasks, reading: initialStreamReading };
}

/** Folds one stream event: `readStreamEvent`, then `applyTaskOp`. For readers that hold the state themselves. */
export function applyEvent(fold: StreamFold, event: StreamEvent): StreamFold {
  const { op, reading } = readStreamEvent(fold.reading, event);
  const tasks = op ? applyTaskOp(fold.tasks, op) : fold.tasks;
  return tasks === fold.tasks && reading === fold.reading ? fold : { tasks, reading };
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
