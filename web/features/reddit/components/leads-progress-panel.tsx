import { AlertCircle, CheckCircle2 } from 'lucide-react';
import { getTaskType, type Task } from '../../../../protocol';
import { StatusBadge } from '../../../components/ui/badge';
import { Card } from '../../../components/ui/card';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { taskColors } from '../../../components/ui/task-look';

function numberIn(task: Task, key: string): number | null {
  const value = task.data?.[key];
  return typeof value === 'number' ? value : null;
}

/** The running search: "Step 3 of 10", the query it runs now and how many leads it found so far. */
export function LeadsProgressPanel({ task }: { task: Task }) {
  const def = getTaskType(task.type);
  const query = task.data?.query;
  const soFar = numberIn(task, 'leadsSoFar') ?? 0;
  const running = task.status === 'running' || task.status === 'pending';
  const step = `Step ${Math.min(Math.ceil(task.progress.current), task.progress.total)} of ${task.progress.total}`;
  return (
    <Card className="space-y-2 p-4" data-testid="leads-progress" data-status={task.status}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">{running ? 'Searching Reddit' : 'Last search'}</h2>
        <StatusBadge status={task.status} />
        <span className="ml-auto text-xs text-slate-500 tabular-nums">{step}</span>
      </div>
      <ProgressBar
        percent={task.progress.percent}
        label={def.title}
        barClassName={task.status === 'failed' ? 'bg-red-500' : taskColors(task.type).bar}
        valueText={`${step}, ${soFar} leads found`}
      />
      {running && (
        <dl className="grid gap-2 text-sm sm:grid-cols-[1fr_auto]">
          <div className="min-w-0">
            <dt className="text-xs text-slate-500">Current query</dt>
            <dd className="break-words text-slate-800" data-testid="leads-query">
              {typeof query === 'string' ? query : 'Preparing the first search…'}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">Leads found so far</dt>
            <dd className="font-semibold tabular-nums" data-testid="leads-so-far">
              {soFar}
            </dd>
          </div>
        </dl>
      )}
      {task.status === 'completed' && (
        <p className="flex items-center gap-1 text-sm text-emerald-700">
          <CheckCircle2 className="size-4" aria-hidden="true" />
          {task.message ?? def.completedMessage}
        </p>
      )}
      {task.status === 'failed' && (
        <p className="flex items-start gap-1 text-sm text-red-700">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          {task.error ?? 'The search failed.'} Leads found before it stopped are kept.
        </p>
      )}
    </Card>
  );
}
