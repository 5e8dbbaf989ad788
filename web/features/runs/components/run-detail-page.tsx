import { ArrowLeft } from 'lucide-react';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { isTerminal, runDetailsOf, runKindOf, runStatusOf, type Task } from '../../../../protocol';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { ApiError } from '../../../lib/api-client';
import { formatStartedAt, runKindLabel, runNameOf, testCounts, triggerLabel } from '../run-format';
import { useRun } from '../use-run';
import { RunDuration } from './run-duration';
import { RunLinks } from './run-links';
import { RunSection } from './run-section';
import { RunStatusBadge, runStatusLooks } from './run-status-badge';
import { RunSteps } from './run-steps';

/** `/runs/:id`: one run, live over its own stream until it ends. */
export function RunDetailPage() {
  const { id = '' } = useParams();
  const { task, stream, error } = useRun(id);
  const name = task ? runNameOf(task) : 'Run';

  useEffect(() => {
    document.title = `${name} — Runs — taskstream`;
  }, [name]);

  const back = (
    <Link to="/runs" className="inline-flex items-center gap-1 text-sm text-indigo-700 underline">
      <ArrowLeft className="size-4" aria-hidden="true" />
      All runs
    </Link>
  );

  if (!task || !runKindOf(task)) {
    const missing =
      (error instanceof ApiError && (error.status === 404 || error.status === 400)) ||
      (task && !runKindOf(task));
    return (
      <div className="space-y-4">
        {back}
        {missing ? (
          <>
            <h1 className="text-2xl font-semibold">Run not found</h1>
            <p className="text-sm text-slate-600">There is no run of yours at this address.</p>
          </>
        ) : error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            Could not load the run: {error.message}
          </p>
        ) : (
          <p role="status" className="text-sm text-slate-600">
            Loading the run…
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {back}
      <RunSummary task={task} name={name} />
      <StreamNote task={task} stream={stream} />
      <RunSteps task={task} />
      <RunOutcome task={task} name={name} />
    </div>
  );
}

function RunSummary({ task, name }: { task: Task; name: string }) {
  const status = runStatusOf(task);
  const counts = testCounts(task);
  return (
    <header className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">{name}</h1>
        <RunStatusBadge status={status} />
      </div>
      {/* The badge changes silently; this says the new status once to screen readers. */}
      <p className="sr-only" aria-live="polite">
        Status: {runStatusLooks[status].label}
      </p>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4">
        <Field term="Kind">{runKindLabel(task)}</Field>
        <Field term="Trigger">{triggerLabel(task.trigger)}</Field>
        <Field term="Started">
          <time dateTime={task.startedAt ?? task.createdAt}>
            {formatStartedAt(task.startedAt ?? task.createdAt)}
          </time>
        </Field>
        <Field term="Duration">
          <RunDuration task={task} />
        </Field>
      </dl>
      {!isTerminal(task.status) && (
        <ProgressBar
          percent={task.progress.percent}
          label={`${name} progress`}
          valueText={`${task.progress.percent}%${task.message ? `, ${task.message}` : ''}`}
        />
      )}
      <p className="text-sm text-slate-700">{isTerminal(task.status) ? counts : (task.message ?? counts)}</p>
    </header>
  );
}

function Field({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{term}</dt>
      <dd className="font-medium text-slate-800">{children}</dd>
    </div>
  );
}

const streamNotes = {
  connecting: 'Connecting to the run’s live updates…',
  live: 'Live: updates arrive as the run moves.',
  down: 'Live updates are interrupted; checking the run every 2 seconds.',
  closed: '',
} as const;

function StreamNote({ task, stream }: { task: Task; stream: keyof typeof streamNotes }) {
  if (isTerminal(task.status)) return null;
  return <p className="text-xs text-slate-600">{streamNotes[stream]}</p>;
}

function RunOutcome({ task, name }: { task: Task; name: string }) {
  if (!isTerminal(task.status)) return null;
  const status = runStatusOf(task);
  const { failingTest, failureMessage } = runDetailsOf(task);
  return (
    <RunSection title="Result">
      {status === 'passed' && (
        <p className="text-sm text-emerald-800">{task.message ?? 'Every test passed.'}</p>
      )}
      {status === 'failed' && (
        <div className="text-sm text-red-800">
          <p>
            Failing test: <span className="font-mono">{String(failingTest ?? '')}</span>
          </p>
          <p>{String(failureMessage ?? task.error ?? '')}</p>
        </div>
      )}
      {status === 'error' && (
        <p className="text-sm text-amber-900">{task.error ?? 'The run stopped with an error.'}</p>
      )}
      {status === 'cancelled' && <p className="text-sm text-slate-700">The run was cancelled.</p>}
      <RunLinks task={task} name={name} />
    </RunSection>
  );
}
