import { useEffect, useRef } from 'react';
import { isTerminal, type Task } from '../../../protocol';
import { useConnectionStore } from '../../stores/connection-store';
import { getTasks, subscribeTaskChanges, useTaskStore } from '../../stores/task-store';

export interface TaskProgressCallbacks {
  /** Each new version of the task while it is pending or running. */
  onProgress?: (task: Task) => void;
  /** Once per task, when it completes. */
  onComplete?: (task: Task) => void;
  /** Once per task, when it fails or is cancelled: `error` is what a person reads. */
  onError?: (error: string, task: Task) => void;
}

export interface UseTaskProgressResult {
  /** The task as the store has it now, or undefined until the store has seen it. */
  task: Task | undefined;
  /** True while the app's one stream delivers events; false while it reconnects or polls. */
  isLive: boolean;
  /** Why the task did not complete (failed or cancelled), else null. */
  error: string | null;
}

const cancelledMessage = 'The task was cancelled.';

function errorOf(task: Task | undefined): string | null {
  if (task?.status === 'failed') return task.error ?? 'The task failed.';
  if (task?.status === 'cancelled') return cancelledMessage;
  return null;
}

/**
 * Seed 002's per-task hook, on the shared task store: it opens no stream of its own, so any number
 * of components can watch tasks over the app's one connection. Callbacks fire once per new version
 * of the task seen while mounted; the terminal callback fires once per task, and not at all for a
 * task that had already finished when the hook first rendered it.
 */
export function useTaskProgress(
  taskId: string | null | undefined,
  callbacks: TaskProgressCallbacks = {},
): UseTaskProgressResult {
  const task = useTaskStore((s) => (taskId ? s.byId[taskId] : undefined));
  const isLive = useConnectionStore((s) => s.connection.status === 'live');

  // Latest-value refs: callers pass inline callbacks, which must not resubscribe on every render.
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  const renderedRef = useRef(task);
  renderedRef.current = task;

  useEffect(() => {
    if (!taskId) return;
    // Start from what was rendered, so a change landing between render and subscription still counts.
    const rendered = renderedRef.current?.id === taskId ? renderedRef.current : undefined;
    let ended = rendered ? isTerminal(rendered.status) : false;

    // The store notifies only real changes (a new version or status), so each one is reported.
    const report = (next: Task) => {
      const { onProgress, onComplete, onError } = callbacksRef.current;
      if (!isTerminal(next.status)) {
        onProgress?.(next);
        return;
      }
      if (ended) return;
      ended = true;
      if (next.status === 'completed') onComplete?.(next);
      else onError?.(errorOf(next) ?? cancelledMessage, next);
    };

    const unsubscribe = subscribeTaskChanges((changes) => {
      for (const change of changes) if (change.task.id === taskId) report(change.task);
    });
    const current = getTasks()[taskId];
    // The store replaces a task's object on every change: a different object is a missed change.
    if (current && current !== rendered) report(current);
    return unsubscribe;
  }, [taskId]);

  return { task, isLive, error: errorOf(task) };
}
