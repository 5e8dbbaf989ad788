import { useEffect } from 'react';
import { getTaskType, isTerminal, type Task, type TaskMap } from '../../../protocol';
import { isPageHidden, subscribePageVisibility } from '../../lib/page-visibility';
import { subscribeTaskChanges, useTaskStore } from '../../stores/task-store';
import { type FaviconBadge, restoreFavicon, showFaviconBadge } from './tab-favicon';

function activeTasks(tasks: TaskMap): Task[] {
  return Object.values(tasks).filter((t) => !isTerminal(t.status));
}

function averagePercent(tasks: readonly Task[]): number {
  return Math.round(tasks.reduce((sum, t) => sum + t.progress.percent, 0) / tasks.length);
}

/** The tab title while hidden: the average progress of running tasks, or null when none runs. */
export function progressTitle(tasks: TaskMap): string | null {
  const active = activeTasks(tasks);
  if (!active.length) return null;
  const what = active.length === 1 ? getTaskType(active[0]!.type).title : `${active.length} tasks`;
  return `(${averagePercent(active)}%) ${what} — taskstream`;
}

const outcomeWords = { completed: '✓ Done', failed: '✗ Failed', cancelled: 'Cancelled' } as const;

/**
 * The tab title while hidden: progress while anything runs, then how the work that ended while the
 * person was away turned out ("✓ Done — …", "✗ Failed — …", or a count of each). Null when there
 * is nothing to tell.
 */
function awayTitle(tasks: TaskMap, outcomes: readonly Task[]): string | null {
  const progress = progressTitle(tasks);
  if (progress !== null || !outcomes.length) return progress;
  if (outcomes.length === 1) {
    const [only] = outcomes as [Task];
    const status = only.status as keyof typeof outcomeWords;
    return `${outcomeWords[status]} — ${getTaskType(only.type).title}`;
  }
  const count = (status: Task['status']) => outcomes.filter((t) => t.status === status).length;
  const parts = [
    count('failed') && `✗ ${count('failed')} failed`,
    count('completed') && `✓ ${count('completed')} done`,
    count('cancelled') && `${count('cancelled')} cancelled`,
  ].filter(Boolean);
  return `${parts.join(', ')} — taskstream`;
}

/** The favicon while hidden: a ring while anything runs, then the worst outcome (failed first). */
function awayFavicon(tasks: TaskMap, outcomes: readonly Task[]): FaviconBadge | null {
  const active = activeTasks(tasks);
  if (active.length) return { kind: 'progress', percent: averagePercent(active) };
  for (const kind of ['failed', 'completed', 'cancelled'] as const) {
    if (outcomes.some((t) => t.status === kind)) return { kind };
  }
  return null;
}

/**
 * While the tab is hidden its title and favicon show progress and then the outcome of what ended
 * meanwhile; both stay until the tab is seen, then the page's own title and icon come back.
 */
export function useTabTitleProgress(): void {
  useEffect(() => {
    let savedTitle: string | null = null;
    let outcomes: Task[] = [];
    const restoreTitle = () => {
      if (savedTitle !== null) document.title = savedTitle;
      savedTitle = null;
    };
    const update = () => {
      if (!isPageHidden()) {
        outcomes = [];
        restoreTitle();
        restoreFavicon();
        return;
      }
      const tasks = useTaskStore.getState().byId;
      const title = awayTitle(tasks, outcomes);
      if (title === null) restoreTitle();
      else {
        savedTitle ??= document.title;
        document.title = title;
      }
      const badge = awayFavicon(tasks, outcomes);
      if (badge === null) restoreFavicon();
      else showFaviconBadge(badge);
    };
    const unsubscribeChanges = subscribeTaskChanges((changes) => {
      if (!isPageHidden()) return;
      const ended = changes.filter((c) => c.finished).map((c) => c.task);
      if (!ended.length) return;
      const endedIds = new Set(ended.map((t) => t.id));
      outcomes = [...outcomes.filter((t) => !endedIds.has(t.id)), ...ended];
      update();
    });
    const unsubscribeStore = useTaskStore.subscribe(update);
    const unsubscribeVisibility = subscribePageVisibility(update);
    return () => {
      unsubscribeChanges();
      unsubscribeStore();
      unsubscribeVisibility();
      restoreTitle();
      restoreFavicon();
    };
  }, []);
}
