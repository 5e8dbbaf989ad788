import { AlertCircle, CheckCircle2, ChevronDown, CircleSlash, RotateCcw, X } from 'lucide-react';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { getTaskType, isTerminal, type Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { TaskIcon, taskColors } from '../../../components/ui/task-look';
import { formatClock, formatEta, stageLabel, stepLabel } from '../../../lib/format';
import { holdAutoDismiss, releaseAutoDismiss } from '../../../stores/progress-stack-store';
import { detailLabel, detailValue } from '../detail-format';

export interface ProgressCardProps {
  task: Task;
  /** What the card says once the task ended; the stack fixes it when the task finishes. */
  outcome?: string;
  onDismiss?: () => void;
  /** Without it the card offers no Cancel (the gallery passes a harmless one). */
  onCancel?: () => void;
  /** Offered on a failed card only. */
  onRetry?: () => void;
  /** An action in flight: its button says so and waits. */
  busy?: 'cancelling' | 'retrying' | null;
  /** Why the last action failed, read out at once. */
  actionError?: string | null;
}

type Primitive = string | number | boolean | null;
function primitiveEntries(record: Task['data']): Array<[string, Primitive]> {
  return Object.entries(record ?? {}).filter((e): e is [string, Primitive] => !Array.isArray(e[1]));
}

function defaultOutcome(task: Task): string {
  if (task.status === 'failed') return task.error ?? 'Something went wrong.';
  if (task.status === 'cancelled') return 'Cancelled';
  return task.message ?? getTaskType(task.type).completedMessage;
}

/** Holds the stack's auto-dismiss while the pointer or focus is on a finished card. */
function useHoldWhile(id: string, held: boolean): void {
  useEffect(() => {
    if (!held) return;
    holdAutoDismiss(id);
    return () => releaseAutoDismiss(id);
  }, [id, held]);
}

/** One task in the global stack (seed 000's UniversalProgressIndicator card). */
export function ProgressCard({
  task,
  outcome,
  onDismiss,
  onCancel,
  onRetry,
  busy = null,
  actionError = null,
}: ProgressCardProps) {
  const def = getTaskType(task.type);
  const colors = taskColors(task.type);
  const [expanded, setExpanded] = useState(false);
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const detailsId = useId();
  const done = isTerminal(task.status);
  const cancelHadFocus = useRef(false);
  const dismissRef = useRef<HTMLButtonElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  useHoldWhile(task.id, done && (pointerIn || focusIn));

  // Cancel unmounts once the task ends: the keyboard user lands on Dismiss instead of <body>.
  useLayoutEffect(() => {
    if (!done || !cancelHadFocus.current) return;
    cancelHadFocus.current = false;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    (dismissRef.current ?? toggleRef.current)?.focus();
  }, [done]);

  const step = stepLabel(task);
  const percent = task.progress.percent;
  const text = done ? (outcome ?? defaultOutcome(task)) : (task.message ?? 'Starting…');

  return (
    <article
      aria-label={`${def.title}: ${task.status}`}
      tabIndex={-1}
      data-task-id={task.id}
      data-status={task.status}
      onPointerEnter={() => setPointerIn(true)}
      onPointerLeave={() => setPointerIn(false)}
      onFocus={() => setFocusIn(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setFocusIn(false);
      }}
      className={`rounded-xl border border-l-4 border-slate-200 bg-white p-3 shadow-lg ${colors.accent}`}
    >
      <div className="flex items-start gap-3">
        <span className={`mt-0.5 grid size-8 shrink-0 place-items-center rounded-lg ${colors.tile}`}>
          <TaskIcon type={task.type} className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
            <h3 className="text-sm font-semibold break-words text-slate-900">{def.title}</h3>
            {/* Completed and cancelled cards say so in the line below; a badge would repeat it. */}
            {(!done || task.status === 'failed') && <StatusBadge status={task.status} />}
          </div>
          {task.status === 'completed' ? (
            <p className="mt-0.5 flex items-start gap-1 text-sm text-emerald-700">
              <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              {text}
            </p>
          ) : task.status === 'failed' ? (
            <p className="mt-0.5 flex items-start gap-1 text-sm text-red-700">
              <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              {text}
            </p>
          ) : task.status === 'cancelled' ? (
            <p className="mt-0.5 flex items-center gap-1 text-sm text-amber-800">
              <CircleSlash className="size-4 shrink-0" aria-hidden="true" />
              {text}
            </p>
          ) : (
            <p className="mt-0.5 line-clamp-2 text-sm break-words text-slate-600">{text}</p>
          )}
        </div>
        <div className="flex shrink-0 items-center">
          <Button
            ref={toggleRef}
            variant="ghost"
            size="sm"
            aria-expanded={expanded}
            aria-controls={detailsId}
            aria-label={expanded ? `Hide details of ${def.title}` : `Show details of ${def.title}`}
            onClick={() => setExpanded((x) => !x)}
          >
            <ChevronDown
              className={`size-4 transition-transform motion-reduce:transition-none ${expanded ? 'rotate-180' : ''}`}
              aria-hidden="true"
            />
          </Button>
          {done && onDismiss && (
            <Button
              ref={dismissRef}
              variant="ghost"
              size="sm"
              aria-label={`Dismiss ${def.title}`}
              onClick={onDismiss}
            >
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
          <div className="flex flex-wrap items-center justify-between gap-x-2 text-xs text-slate-600">
            <span>
              {step} · {percent}%
            </span>
            <span className="flex items-center gap-2">
              {task.etaMs !== undefined && <span>{formatEta(task.etaMs)}</span>}
              {onCancel && (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={onCancel}
                  onFocus={() => {
                    cancelHadFocus.current = true;
                  }}
                  onBlur={(event) => {
                    // Removal blurs with no target: that loss is the one to repair, so keep the mark.
                    if (event.relatedTarget) cancelHadFocus.current = false;
                  }}
                  aria-disabled={busy === 'cancelling'}
                  aria-label={`Cancel ${def.title}`}
                >
                  {busy === 'cancelling' ? 'Cancelling…' : 'Cancel'}
                </Button>
              )}
            </span>
          </div>
        </div>
      )}

      {task.status === 'failed' && onRetry && (
        <div className="mt-2 flex justify-end">
          <Button
            variant="secondary"
            size="sm"
            onClick={onRetry}
            aria-disabled={busy === 'retrying'}
            aria-label={`Retry ${def.title}`}
          >
            <RotateCcw className="size-3.5" aria-hidden="true" />
            {busy === 'retrying' ? 'Retrying…' : 'Retry'}
          </Button>
        </div>
      )}

      {actionError && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {actionError}
        </p>
      )}

      <div
        id={detailsId}
        hidden={!expanded}
        className="mt-2 border-t border-slate-100 pt-2 text-xs text-slate-700"
      >
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5">
          <DetailRow name="Started" value={formatClock(task.startedAt ?? task.createdAt)} />
          {task.finishedAt && <DetailRow name="Finished" value={formatClock(task.finishedAt)} />}
          {task.stage && <DetailRow name="Stage" value={stageLabel(task.stage)} />}
          <DetailRow name="Trigger" value={task.trigger} />
          {primitiveEntries(task.data).map(([key, value]) => (
            <DetailRow key={`d-${key}`} name={detailLabel(key)} value={detailValue(key, value)} />
          ))}
          {primitiveEntries(task.result).map(([key, value]) => (
            <DetailRow key={`r-${key}`} name={detailLabel(key)} value={detailValue(key, value)} />
          ))}
        </dl>
      </div>
    </article>
  );
}

function DetailRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt className="text-slate-600">{name}</dt>
      <dd className="break-words text-slate-900">{value}</dd>
    </>
  );
}
