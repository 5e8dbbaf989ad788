import { Link } from 'react-router';
import { runStatusOf, type Task } from '../../../../protocol';
import { formatStartedAt, runKindLabel, runNameOf, testCounts, triggerLabel } from '../run-format';
import { RunDuration } from './run-duration';
import { RunLinks } from './run-links';
import { RunStatusBadge } from './run-status-badge';

/** One run: a card on narrow screens, a row of columns from `md` up. */
function RunRow({ task }: { task: Task }) {
  const name = runNameOf(task);
  const counts = testCounts(task);
  return (
    <li className="grid gap-x-4 gap-y-2 px-4 py-3 md:grid-cols-[minmax(0,2fr)_7rem_minmax(0,1fr)_6rem_minmax(0,1fr)] md:items-center">
      <div className="min-w-0">
        <Link
          to={`/runs/${task.id}`}
          className="font-medium text-slate-900 underline-offset-2 hover:underline"
        >
          {name}
        </Link>
        <p className="text-xs text-slate-600">
          {runKindLabel(task)} · {triggerLabel(task.trigger)}
          {counts && <> · {counts}</>}
        </p>
      </div>
      <div>
        <RunStatusBadge status={runStatusOf(task)} />
      </div>
      <dl className="contents text-sm text-slate-700">
        <div className="flex gap-1 md:block">
          <dt className="text-slate-500 md:sr-only">Started</dt>
          <dd>
            <time dateTime={task.startedAt ?? task.createdAt}>
              {formatStartedAt(task.startedAt ?? task.createdAt)}
            </time>
          </dd>
        </div>
        <div className="flex gap-1 md:block">
          <dt className="text-slate-500 md:sr-only">Duration</dt>
          <dd>
            <RunDuration task={task} />
          </dd>
        </div>
        <div className="flex gap-1 md:block">
          <dt className="text-slate-500 md:sr-only">Results</dt>
          <dd>
            <RunLinks task={task} name={name} />
          </dd>
        </div>
      </dl>
    </li>
  );
}

/** Column names for wide screens; each row also names its fields for screen readers and narrow screens. */
function RunListHeader() {
  return (
    <div
      aria-hidden="true"
      className="hidden gap-x-4 border-b border-slate-200 px-4 py-2 text-xs font-medium uppercase tracking-wide text-slate-500 md:grid md:grid-cols-[minmax(0,2fr)_7rem_minmax(0,1fr)_6rem_minmax(0,1fr)]"
    >
      <span>Run</span>
      <span>Status</span>
      <span>Started</span>
      <span>Duration</span>
      <span>Results</span>
    </div>
  );
}

export function RunList({ runs, label }: { runs: readonly Task[]; label: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
      <RunListHeader />
      <ul aria-label={label} className="divide-y divide-slate-100">
        {runs.map((task) => (
          <RunRow key={task.id} task={task} />
        ))}
      </ul>
    </div>
  );
}
