import { create } from 'zustand';
import { getTaskType, isTerminal, type Task } from '../../protocol';
import { inDevtools } from './dev-tools';
import type { TaskChange } from './task-store';

interface ProgressStackState {
  /** Task ids with a card in the global stack, newest first. */
  ids: readonly string[];
  /** The latest completion or failure to announce to screen readers (`seq` makes repeats re-announce). */
  announcement: { seq: number; text: string } | null;
}

export const useProgressStackStore = create<ProgressStackState>()(
  inDevtools<ProgressStackState>('progress-stack', () => ({ ids: [], announcement: null })),
);

/** What a person hears when a task ends. */
function endMessage(task: Task): string {
  const title = getTaskType(task.type).title;
  switch (task.status) {
    case 'completed':
      return `${title}: ${task.message ?? getTaskType(task.type).completedMessage}`;
    case 'failed':
      return `${title} failed: ${task.error ?? 'something went wrong'}`;
    case 'cancelled':
      return `${title} was cancelled`;
    default:
      return title;
  }
}

/**
 * Keeps the stack in step with task changes: a card for every task seen running, kept through its
 * end (so it can show "Completed! …"); an end is announced once per task.
 */
export function trackProgressStack(changes: readonly TaskChange[]): void {
  const { ids, announcement } = useProgressStackStore.getState();
  let nextIds = ids;
  let nextAnnouncement = announcement;
  for (const { task, finished } of changes) {
    const shown = nextIds.includes(task.id);
    if (!shown && (!isTerminal(task.status) || finished)) nextIds = [task.id, ...nextIds];
    if (finished) {
      nextAnnouncement = { seq: (nextAnnouncement?.seq ?? 0) + 1, text: endMessage(task) };
    }
  }
  if (nextIds !== ids || nextAnnouncement !== announcement) {
    useProgressStackStore.setState({ ids: nextIds, announcement: nextAnnouncement });
  }
}

export function dismissProgress(id: string): void {
  const { ids } = useProgressStackStore.getState();
  if (ids.includes(id)) useProgressStackStore.setState({ ids: ids.filter((x) => x !== id) });
}

export function clearProgressStack(): void {
  useProgressStackStore.setState({ ids: [], announcement: null });
}
