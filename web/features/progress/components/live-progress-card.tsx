import { useCallback } from 'react';
import { dismissProgress, useProgressStackStore } from '../../../stores/progress-stack-store';
import { useCancelTask } from '../../tasks/api/cancel-task';
import { useStartTask } from '../../tasks/api/start-task';
import { useTask } from '../../tasks/use-task';
import { ProgressCard } from './progress-card';

/**
 * Where focus goes when a card leaves the stack: the next card, else the previous one, else the
 * stack's toggle — never `<body>`.
 */
function moveFocusFrom(id: string): void {
  const item = document.querySelector(`[data-task-id="${CSS.escape(id)}"]`)?.closest('li');
  const neighbour = item?.nextElementSibling ?? item?.previousElementSibling;
  const target =
    neighbour?.querySelector<HTMLElement>('article') ??
    document.querySelector<HTMLElement>('[data-progress-stack-toggle]');
  target?.focus();
}

/** A stack card wired to the API: Cancel, Retry (a new task of the same type) and Dismiss. */
export function LiveProgressCard({ id }: { id: string }) {
  const task = useTask(id);
  const outcome = useProgressStackStore((s) => s.outcomes[id]);
  const cancel = useCancelTask();
  const retry = useStartTask();
  const dismiss = useCallback(() => {
    moveFocusFrom(id);
    dismissProgress(id);
  }, [id]);
  if (!task) return null;
  const error = cancel.error
    ? `Could not cancel: ${cancel.error.message}`
    : retry.error
      ? `Could not retry: ${retry.error.message}`
      : null;
  return (
    <ProgressCard
      task={task}
      outcome={outcome}
      onDismiss={dismiss}
      onCancel={() => cancel.mutate(task.id)}
      onRetry={() => retry.mutate({ type: task.type }, { onSuccess: dismiss })}
      busy={cancel.isPending ? 'cancelling' : retry.isPending ? 'retrying' : null}
      actionError={error}
    />
  );
}
