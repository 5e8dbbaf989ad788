import { isTerminal, type Task, type TaskType } from '../../../protocol';
import { useTaskStore } from '../../stores/task-store';

/** One task's slice of the store: the component re-renders only when this task changes. */
export function useTask(id: string | null | undefined): Task | undefined {
  return useTaskStore((s) => (id ? s.byId[id] : undefined));
}

/** The id of the newest task of a type (a string, so the selector is stable between renders). */
export function useLatestTaskId(type: TaskType): string | null {
  return useTaskStore((s) => {
    let latest: Task | null = null;
    for (const task of Object.values(s.byId)) {
      if (task.type === type && (!latest || task.createdAt > latest.createdAt)) latest = task;
    }
    return latest?.id ?? null;
  });
}

/** True while a task of this type is pending or running. */
export function useHasActiveTask(type: TaskType): boolean {
  return useTaskStore((s) => Object.values(s.byId).some((t) => t.type === type && !isTerminal(t.status)));
}
