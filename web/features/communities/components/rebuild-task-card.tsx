import { AlertCircle, CheckCircle2, CircleSlash, RotateCcw } from 'lucide-react';
import { getTaskType, type Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { TaskIcon, taskColors } from '../../../components/ui/task-look';
import { formatEta, stepLabel } from '../../../lib/format';

export interface RebuildTaskCardProps {
  task: Task;
  onRetry: () => void;
  retrying: boolean;
}

function resultNumber(task: Task, key: string): number | null {
  const value = task.result?.[key];
  return typeof value === 'number' ? value : null;
}

/** Seed 003's task status card: progress bar, message, result stats, error details and retry. */
export function RebuildTaskCard({ task, onRetry, retrying }: RebuildTaskCardProps) {
  const def = getTaskType(task.type);
  const colors = taskColors(task.type);
  const communities = resultNumber(task, 'communities_count');
  const edges = resultNumber(task, 'edges_count');
  const percent = task.progress.percent;

  return (
    <Card className="p-4" data-testid="rebuild-task-card" data-status={task.status}>
      <div className="flex items-start gap-3">
        <span className={`grid size-9 shrink-0 place-items-center rounded-lg ${colors.tile}`}>
          <TaskIcon type={task.type} className="size-5" />
        </span>
        <div className="min-w-0 flex-1 space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="text-sm font-semibold">{def.title}</h2>
            <StatusBadge status={task.status} />
            <span className="ml-auto text-xs text-slate-500 tabular-nums">{percent}%</span>
          </div>
          <ProgressBar
            percent={percent}
            label="Rebuild progress"
            barClassName={task.status === 'failed' ? 'bg-red-500' : colors.bar}
            valueText={`${percent}%${task.message ? `, ${task.message}` : ''}`}
          />
          {(task.status === 'pending' || task.status === 'running') && (
            <p className="flex flex-wrap justify-between gap-2 text-sm text-slate-600">
              <span data-testid="rebuild-message">{task.message ?? 'Starting…'}</span>
              <span className="text-xs text-slate-500">
                {stepLabel(task)}
                {task.etaMs !== undefined ? ` · ${formatEta(task.etaMs)}` : ''}
              </span>
            </p>
          )}
          {task.status === 'completed' && (
            <div className="space-y-2">
              <p className="flex items-center gap-1 text-sm text-emerald-700">
                <CheckCircle2 className="size-4" aria-hidden="true" />
                {task.message ?? def.completedMessage}
              </p>
              <dl className="grid grid-cols-2 gap-2 sm:max-w-sm">
                <div className="rounded-lg bg-slate-50 p-2">
                  <dt className="text-xs text-slate-500">Communities</dt>
                  <dd className="text-lg font-semibold tabular-nums" data-testid="stat-communities">
                    {communities ?? '—'}
                  </dd>
                </div>
                <div className="rounded-lg bg-slate-50 p-2">
                  <dt className="text-xs text-slate-500">Edges</dt>
                  <dd className="text-lg font-semibold tabular-nums" data-testid="stat-edges">
                    {edges ?? '—'}
                  </dd>
                </div>
              </dl>
            </div>
          )}
          {task.status === 'failed' && (
            <div role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
              <p className="flex items-start gap-1 font-medium">
                <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
                The rebuild failed
              </p>
              <p className="mt-1">{task.error ?? 'Something went wrong.'}</p>
              <Button variant="danger" size="sm" className="mt-2" onClick={onRetry} disabled={retrying}>
                <RotateCcw className="size-3.5" aria-hidden="true" />
                {retrying ? 'Retrying…' : 'Retry'}
              </Button>
            </div>
          )}
          {task.status === 'cancelled' && (
            <p className="flex items-center gap-2 text-sm text-amber-800">
              <CircleSlash className="size-4" aria-hidden="true" />
              The rebuild was cancelled.
              <Button variant="secondary" size="sm" onClick={onRetry} disabled={retrying}>
                Start again
              </Button>
            </p>
          )}
        </div>
      </div>
    </Card>
  );
}
