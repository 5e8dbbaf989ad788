import { create } from 'zustand';
import { applyTaskOp, isTerminal, type Task, type TaskMap, type TaskOp } from '../../protocol';
import { inDevtools } from './dev-tools';

export interface TaskChange {
  previous: Task | undefined;
  task: Task;
  /** True when this change moved the task into a terminal status (completed, failed, cancelled). */
  finished: boolean;
}

interface TaskStoreState {
  byId: TaskMap;
}

export const useTaskStore = create<TaskStoreState>()(
  inDevtools<TaskStoreState>('tasks', () => ({ byId: {} })),
);

type ChangeListener = (changes: readonly TaskChange[]) => void;
const listeners = new Set<ChangeListener>();

/** Listens to every applied change (after the store is updated). Returns the unsubscribe. */
export function subscribeTaskChanges(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Applies ops in order with one store update, then tells listeners what changed. A task first seen
 * already finished counts as finished only when it came from an event (not a load or snapshot), so
 * tasks that ended before the page opened never toast.
 */
export function applyTaskOps(ops: readonly TaskOp[]): readonly TaskChange[] {
  if (!ops.length) return [];
  const before = useTaskStore.getState().byId;
  let next = before;
  const fromEvents = new Set<string>();
  for (const op of ops) {
    next = applyTaskOp(next, op);
    if (op.kind === 'tasks') for (const t of op.tasks) fromEvents.add(t.id);
  }
  if (next === before) return [];
  useTaskStore.setState({ byId: next });
  const changes: TaskChange[] = [];
  for (const [id, task] of Object.entries(next)) {
    const previous = before[id];
    if (previous === task || (previous?.version === task.version && previous.status === task.status))
      continue;
    const wasDone = previous ? isTerminal(previous.status) : !fromEvents.has(id);
    changes.push({ previous, task, finished: isTerminal(task.status) && !wasDone });
  }
  if (changes.length) for (const listener of listeners) listener(changes);
  return changes;
}

/** Merges tasks (e.g. the answer of `POST /api/tasks`) right away, outside any batch. */
export function mergeTasks(tasks: readonly Task[]): void {
  applyTaskOps([{ kind: 'tasks', tasks }]);
}

export function resetTaskStore(): void {
  useTaskStore.setState({ byId: {} });
}

export function getTasks(): TaskMap {
  return useTaskStore.getState().byId;
}

/** Ids of tasks still pending or running. */
export function activeTaskIds(): string[] {
  return Object.values(getTasks())
    .filter((t) => !isTerminal(t.status))
    .map((t) => t.id);
}
