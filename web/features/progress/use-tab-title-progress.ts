import { useEffect } from 'react';
import { getTaskType, isTerminal, type TaskMap } from '../../../protocol';
import { useTaskStore } from '../../stores/task-store';

/** The tab title while hidden: the average progress of running tasks, or null when none runs. */
export function progressTitle(tasks: TaskMap): string | null {
  const active = Object.values(tasks).filter((t) => !isTerminal(t.status));
  if (!active.length) return null;
  const percent = Math.round(active.reduce((sum, t) => sum + t.progress.percent, 0) / active.length);
  const what = active.length === 1 ? getTaskType(active[0]!.type).title : `${active.length} tasks`;
  return `(${percent}%) ${what} — taskstream`;
}

/** While the tab is hidden its title shows progress; the page's own title comes back when visible. */
export function useTabTitleProgress(): void {
  useEffect(() => {
    let saved: string | null = null;
    const update = () => {
      if (!document.hidden) {
        if (saved !== null) document.title = saved;
        saved = null;
        return;
      }
      const title = progressTitle(useTaskStore.getState().byId);
      if (title === null) {
        if (saved !== null) document.title = saved;
        saved = null;
        return;
      }
      saved ??= document.title;
      document.title = title;
    };
    const unsubscribe = useTaskStore.subscribe(update);
    document.addEventListener('visibilitychange', update);
    return () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', update);
      if (saved !== null) document.title = saved;
    };
  }, []);
}
