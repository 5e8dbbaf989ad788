import { isTerminal, runDetailsOf, type Task } from '../../../../protocol';
import { formatDuration } from '../../../lib/format';
import { useSharedNow } from '../use-shared-now';

/** Wall time from start to end (or to `now` while it runs); the report's own figure when there is no start. */
function runDurationMs(task: Task, now: number): number | null {
  if (task.startedAt) {
    const end = task.finishedAt ? Date.parse(task.finishedAt) : now;
    return Math.max(0, end - Date.parse(task.startedAt));
  }
  const reported = runDetailsOf(task).durationMs;
  return typeof reported === 'number' ? reported : null;
}

/** A run's duration, ticking on the page's one shared clock while the run is unfinished. */
export function RunDuration({ task }: { task: Task }) {
  const now = useSharedNow(!isTerminal(task.status));
  const ms = runDurationMs(task, now);
  if (ms === null) return <span className="text-slate-500">—</span>;
  // Not a live region: a duration read aloud every second would drown everything else.
  return <span className="tabular-nums">{formatDuration(ms)}</span>;
}
