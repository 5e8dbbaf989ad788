import { AlertCircle, CheckCircle2, ChevronDown, CircleSlash, X } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { getTaskType, isTerminal, type Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { TaskIcon, taskColors } from '../../../components/ui/task-look';
import { formatClock, formatEta, humanizeKey, stepLabel } from '../../../lib/format';
import { usePageHidden } from '../../../lib/page-visibility';
import { useCancelTask } from '../../tasks/api/cancel-task';

/** How long a finished card stays, in ms, unless the pointer or focus is on it. */
const autoDismissMs = { completed: 6000, cancelled: 5000, failed: 15_000 } as const;

export interface ProgressCardProps {
  task: Task;
  onDismiss?: () => void;
}

type Primitive = string | number | boolean | null;
function primitiveEntries(record: Task['data']): Array<[string, Primitive]> {
  return Object.entries(record ?? {}).filter((e): e is [string, Primitive] => !Array.isArray(e[1]));
}

/** One task in the global stack (seed 000's UniversalProgressIndicator card). */
export function ProgressCard({ task, onDismiss }: ProgressCardProps) {
  const def = getTaskType(task.type);
  const colors = taskColors(task.type);
  const [expanded, setExpanded] = useState(false);
  const [held, setHeld] = useState(false);
  const detailsId = useId();
  const cancel = useCancelTask();
  const done = isTerminal(task.status);

  // A card that ends while nobody looks waits for them: its timer starts when the page is seen.
  const pageHidden = usePageHidden();

  useEffect(() => {
    if (!done || held || pageHidden || !onDismiss || task.status === 'pending' || task.status === 'running')
      return;
    const timer = setTimeout(onDismiss, autoDismissMs[task.status]);
    return () => clearTimeout(timer);
  }, [done, held, pageHidden, onDismiss, task.status]);

  const step = stepLabel(task);
  const percent = task.progress.percent;
  const details = [...primitiveEntries(task.data)];

  return (
    <article
      aria-label={`${def.title}: ${task.status}`}
      data-task-id={task.id}
      data-status={task.status}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={`rounded-xl border border-l-4 border-slate-200 bg-white p-3 shadow-lg ${colors.accent}`}
    >
      <div className="flex items-start gap-3">
        <span className={`mt-0.5 grid size-8 shrink-0 place-items-center rounded-lg ${colors.tile}`}>
          <TaskIcon type={task.type} className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <h3 className="truncate text-sm font-semibold text-slate-900">{def.title}</h3>
            <StatusBadge status={task.status} />
          </div>
          {task.status === 'completed' ? (
            <p className="mt-0.5 flex items-center gap-1 text-sm text-emerald-700">
              <CheckCircle2 className="size-4 shrink-0" aria-hidden="true" />
              {task.message ?? def.completedMessage}
            </p>
          ) : task.status === 'failed' ? (
            <p className="mt-0.5 flex items-start gap-1 text-sm text-red-700">
              <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              {task.error ?? 'Something went wrong.'}
            </p>
          ) : task.status === 'cancelled' ? (
            <p className="mt-0.5 flex items-center gap-1 text-sm text-amber-800">
              <CircleSlash className="size-4 shrink-0" aria-hidden="true" />
              Cancelled
            </p>
          ) : (
            <p className="mt-0.5 truncate text-sm text-slate-600" title={task.message}>
              {task.message ?? 'Starting…'}
            </p>
          )}
        </div>
        <div className="flex shrink-0 items-center">
          <Button
            variant="ghost"
            size="sm"
            aria-expanded={expanded}
            aria-controls={detailsId}
            aria-label={expanded ? 'Hide details' : 'Show details'}
            onClick={() => setExpanded((x) => !x)}
          >
            <ChevronDown
              className={`size-4 transition-transform ${expanded ? 'rotate-180' : ''}`}
              aria-hidden="true"
            />
          </Button>
          {done && onDismiss && (
            <Button variant="ghost" size="sm" aria-label={`Dismiss ${def.title}`} onClick={onDismiss}>
              <X className="size-4" aria-hidden="true" />
            </Button>
          )}
        </div>
      </div>

      {!done && (
        <div className="mt-2 space-y-1.5">
          <ProgressBar
            percent={percent}
            label={def.title}
            barClassName={colors.bar}
            valueText={`${percent}%${task.message ? `, ${task.message}` : ''}`}
          />
          <div className="flex items-center justify-between gap-2 text-xs text-slate-500">
            <span>
              {step} · {percent}%
            </span>
            <span className="flex items-center gap-2">
              {task.etaMs !== undefined && <span>{formatEta(task.etaMs)}</span>}
              <Button
                variant="ghost"
                size="sm"
                onClick={() => cancel.mutate(task.id)}
                disabled={cancel.isPending}
                aria-label={`Cancel ${def.title}`}
              >
                {cancel.isPending ? 'Cancelling…' : 'Cancel'}
              </Button>
            </span>
          </div>
          {cancel.error && (
            <p role="alert" className="text-xs text-red-700">
              Could not cancel: {cancel.error.message}
            </p>
          )}
        </div>
      )}

      <div
        id={detailsId}
        hidden={!expanded}
        className="mt-2 border-t border-slate-100 pt-2 text-xs text-slate-600"
      >
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          <dt className="text-slate-400">Started</dt>
          <dd>{formatClock(task.startedAt ?? task.createdAt)}</dd>
          {task.finishedAt && (
            <>
              <dt className="text-slate-400">Finished</dt>
              <dd>{formatClock(task.finishedAt)}</dd>
            </>
          )}
          {task.stage && (
            <>
              <dt className="text-slate-400">Stage</dt>
              <dd>{humanizeKey(task.stage)}</dd>
            </>
          )}
          <dt className="text-slate-400">Trigger</dt>
          <dd>{task.trigger}</dd>
          {details.map(([key, value]) => (
            <DetailRow key={`d-${key}`} name={key} value={value} />
          ))}
          {primitiveEntries(task.result).map(([key, value]) => (
            <DetailRow key={`r-${key}`} name={key} value={value} />
          ))}
        </dl>
      </div>
    </article>
  );
}

function DetailRow({ name, value }: { name: string; value: Primitive }) {
  return (
    <>
      <dt className="text-slate-400">{humanizeKey(name)}</dt>
      <dd className="truncate">{String(value)}</dd>
    </>
  );
}
