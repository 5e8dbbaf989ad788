import { runDetailsOf, runKindOf, type Task, type TaskTrigger } from '../../../protocol';

const kindLabels = { test: 'Test run', job: 'Job run' } as const;

/** "Checkout flow", or "Test run" before the run's first update names it. */
export function runNameOf(task: Task): string {
  const name = runDetailsOf(task).name;
  if (typeof name === 'string' && name) return name;
  return runKindLabel(task);
}

export function runKindLabel(task: Task): string {
  const kind = runKindOf(task);
  return kind ? kindLabels[kind] : 'Task';
}

const triggerLabels: Record<TaskTrigger, string> = {
  manual: 'Manual',
  signup: 'Sign-up',
  api: 'API',
  schedule: 'Schedule',
};

export function triggerLabel(trigger: TaskTrigger): string {
  return triggerLabels[trigger];
}

/** "1 Dec, 15:04:09": runs of other days stay readable. */
export function formatStartedAt(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

/** "23 passed, 1 failed of 24", once the run has counted anything. */
export function testCounts(task: Task): string | null {
  const { passed, failed, testsTotal } = runDetailsOf(task);
  if (typeof passed !== 'number' || typeof failed !== 'number') return null;
  const of = typeof testsTotal === 'number' ? ` of ${testsTotal}` : '';
  return `${passed} passed, ${failed} failed${of}`;
}
