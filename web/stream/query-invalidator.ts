import type { QueryClient } from '@tanstack/react-query';
import { getTaskType, isTerminal, type TaskType } from '../../protocol';
import type { TaskChange } from '../stores/task-store';

export interface QueryInvalidatorOptions {
  now?: () => number;
  /** Types with live rows refetch at most once per this many ms while running. Default 1000. */
  liveRowsIntervalMs?: number;
}

/**
 * Turns task changes into cache invalidations: the registry's query keys once per finished task
 * (a replayed or polled copy of the same end changes nothing), and a throttled refetch while a
 * type that declares `liveRows` makes progress.
 */
export function createQueryInvalidator(
  queryClient: QueryClient,
  options: QueryInvalidatorOptions = {},
): { onChanges: (changes: readonly TaskChange[]) => void; dispose: () => void } {
  const now = options.now ?? Date.now;
  const interval = options.liveRowsIntervalMs ?? 1000;
  const invalidated = new Set<string>();
  const lastLiveRefetch = new Map<TaskType, number>();
  const trailing = new Map<TaskType, ReturnType<typeof setTimeout>>();

  const invalidateType = (type: TaskType) => {
    for (const queryKey of getTaskType(type).invalidates) {
      void queryClient.invalidateQueries({ queryKey: [...queryKey] });
    }
  };

  const refetchLiveRows = (type: TaskType) => {
    const since = now() - (lastLiveRefetch.get(type) ?? Number.NEGATIVE_INFINITY);
    if (since >= interval) {
      lastLiveRefetch.set(type, now());
      invalidateType(type);
      return;
    }
    if (trailing.has(type)) return;
    trailing.set(
      type,
      setTimeout(() => {
        trailing.delete(type);
        lastLiveRefetch.set(type, now());
        invalidateType(type);
      }, interval - since),
    );
  };

  return {
    onChanges(changes) {
      for (const { task, finished, previous } of changes) {
        if (finished) {
          if (invalidated.has(task.id)) continue;
          invalidated.add(task.id);
          const pending = trailing.get(task.type);
          if (pending) clearTimeout(pending);
          trailing.delete(task.type);
          invalidateType(task.type);
        } else if (
          previous &&
          !isTerminal(task.status) &&
          getTaskType(task.type).liveRows &&
          task.progress.current !== previous.progress.current
        ) {
          refetchLiveRows(task.type);
        }
      }
    },
    dispose() {
      for (const timer of trailing.values()) clearTimeout(timer);
      trailing.clear();
    },
  };
}
