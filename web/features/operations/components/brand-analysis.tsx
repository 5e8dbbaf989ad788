import { AlertCircle, CheckCircle2, Circle, Loader2, RotateCcw, Sparkles } from 'lucide-react';
import { type FormEvent, useId, useState } from 'react';
import { z } from 'zod';
import type { Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { type PipelineStageState, pipelineStages } from '../../../components/ui/pipeline-card';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { formatEta, stepLabel } from '../../../lib/format';
import { useStartTask } from '../../tasks/api/start-task';
import { useLatestTaskId } from '../../tasks/use-task';
import { useTaskProgress } from '../../tasks/use-task-progress';
import { Panel } from './panel';

/** The brand goes to the task as a free-form param; the server checks it again (length, no line breaks). */
const brandNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a brand name.')
  .max(100, 'Use at most 100 characters.')
  .regex(/^[^\r\n]*$/, 'Use one line.');

function StageIcon({ state }: { state: PipelineStageState }) {
  if (state === 'done') return <CheckCircle2 className="size-4 text-emerald-600" aria-hidden="true" />;
  if (state === 'active')
    return (
      <Loader2 className="size-4 animate-spin text-blue-600 motion-reduce:animate-none" aria-hidden="true" />
    );
  if (state === 'failed' || state === 'cancelled')
    return <AlertCircle className="size-4 text-red-600" aria-hidden="true" />;
  return <Circle className="size-4 text-slate-400" aria-hidden="true" />;
}

const stageStateText: Record<PipelineStageState, string> = {
  waiting: 'waiting',
  active: 'in progress',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

function resultText(task: Task, key: string): string | null {
  const value = task.result?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

interface AnalysisViewProps {
  task: Task;
  brand: string | undefined;
  isLive: boolean;
  error: string | null;
  onRetry: (() => void) | null;
}

function AnalysisView({ task, brand, isLive, error, onRetry }: AnalysisViewProps) {
  const percent = task.progress.percent;
  const active = task.status === 'pending' || task.status === 'running';
  return (
    <div className="space-y-3" data-testid="brand-analysis-task" data-status={task.status}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold">{brand ? `Analysis of “${brand}”` : 'Latest analysis'}</h3>
        <StatusBadge status={task.status} />
        <span className="ml-auto text-xs text-slate-600 tabular-nums">{percent}%</span>
      </div>
      <ProgressBar
        percent={percent}
        label="Brand analysis progress"
        barClassName={task.status === 'failed' ? 'bg-red-500' : 'bg-fuchsia-500'}
        valueText={`${percent}%${task.message ? `, ${task.message}` : ''}`}
      />
      <ol
        aria-label="Brand analysis stages"
        className="flex flex-col gap-1.5 text-xs sm:flex-row sm:flex-wrap"
      >
        {pipelineStages(task).map((s) => (
          <li
            key={s.stage}
            data-stage={s.stage}
            data-state={s.state}
            className="flex items-center gap-1.5 rounded-md bg-slate-50 px-2 py-1.5"
          >
            <StageIcon state={s.state} />
            <span className="min-w-0">
              {s.label}
              <span className="sr-only">, {stageStateText[s.state]}</span>
            </span>
          </li>
        ))}
      </ol>
      {active && (
        <p className="flex flex-wrap justify-between gap-2 text-sm text-slate-700">
          <span data-testid="brand-analysis-message">{task.message ?? 'Starting…'}</span>
          <span className="text-xs text-slate-600">
            {stepLabel(task)}
            {task.etaMs !== undefined ? ` · ${formatEta(task.etaMs)}` : ''}
            {isLive ? '' : ' · updating by polling'}
          </span>
        </p>
      )}
      {task.status === 'completed' && (
        <div className="space-y-2 rounded-lg bg-emerald-50 p-3" data-testid="brand-analysis-summary">
          <p className="text-sm text-emerald-900">{resultText(task, 'summary') ?? task.message}</p>
          <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-emerald-900">
            <div className="flex gap-1">
              <dt>Mentions</dt>
              <dd className="font-semibold tabular-nums">{resultText(task, 'mentions') ?? '—'}</dd>
            </div>
            <div className="flex gap-1">
              <dt>Positive</dt>
              <dd className="font-semibold tabular-nums">{resultText(task, 'positivePercent') ?? '—'}%</dd>
            </div>
          </dl>
        </div>
      )}
      {error && (
        <div role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          <p>{error}</p>
          {onRetry && (
            <Button variant="danger" size="sm" className="mt-2" onClick={onRetry}>
              <RotateCcw className="size-3.5" aria-hidden="true" />
              Try again
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Seed 002's product: start a `brand_analysis` for a brand name and follow it live — stages, percent,
 * ETA, then the summary — through `useTaskProgress` on the app's one stream.
 */
export function BrandAnalysis() {
  const inputId = useId();
  const errorId = useId();
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [startedId, setStartedId] = useState<string | null>(null);
  // Tasks do not echo their params, so the page remembers which brand each of its tasks is for.
  const [brands, setBrands] = useState<Record<string, string>>({});
  const [announcement, setAnnouncement] = useState('');
  const latestId = useLatestTaskId('brand_analysis');
  const taskId = startedId ?? latestId;
  const start = useStartTask();

  const { task, isLive, error } = useTaskProgress(taskId, {
    onComplete: (done) => setAnnouncement(`Brand analysis finished: ${resultText(done, 'summary') ?? ''}`),
    onError: (message) => setAnnouncement(`Brand analysis stopped: ${message}`),
  });
  const brand = taskId ? brands[taskId] : undefined;
  const running = task?.status === 'pending' || task?.status === 'running';

  const analyze = (brandName: string) => {
    setAnnouncement('');
    start.mutate(
      { type: 'brand_analysis', params: { brand: brandName } },
      {
        onSuccess: (created) => {
          setBrands((known) => ({ ...known, [created.id]: brandName }));
          setStartedId(created.id);
        },
      },
    );
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = brandNameSchema.safeParse(name);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'Check the brand name.');
      return;
    }
    setInvalid(null);
    analyze(parsed.data);
  };

  const problem = invalid ?? (start.error ? `Could not start the analysis: ${start.error.message}` : null);

  return (
    <Panel
      id="brand-analysis"
      title="Brand analysis"
      icon={<Sparkles className="size-4 text-fuchsia-600" aria-hidden="true" />}
    >
      <form className="flex flex-col gap-2 sm:flex-row sm:items-end" onSubmit={submit} noValidate>
        <div className="min-w-0 flex-1">
          <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
            Brand name
          </label>
          <input
            id={inputId}
            name="brand"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            autoComplete="off"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? errorId : undefined}
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500"
            placeholder="e.g. Acme Coffee"
          />
        </div>
        <Button type="submit" disabled={start.isPending || running}>
          {start.isPending ? 'Starting…' : running ? 'Analyzing…' : 'Analyze brand'}
        </Button>
      </form>
      {problem && (
        <p id={errorId} role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
      {task ? (
        <AnalysisView
          task={task}
          brand={brand}
          isLive={isLive}
          error={error}
          onRetry={brand ? () => analyze(brand) : null}
        />
      ) : (
        <p className="text-sm text-slate-600">
          Collects mentions of a brand, scores sentiment and writes a summary, live.
        </p>
      )}
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
    </Panel>
  );
}
