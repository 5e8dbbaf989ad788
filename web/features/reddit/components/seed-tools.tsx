import { useMutation } from '@tanstack/react-query';
import { Loader2, Play } from 'lucide-react';
import { getTaskType, isTerminal, type TaskType } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { TaskIcon, taskColors } from '../../../components/ui/task-look';
import { startTask } from '../../tasks/api/start-task';
import { useLatestTaskId, useTask } from '../../tasks/use-task';

/** Seed 000's other jobs, started from the page whose data they feed. */
const toolTypes = [
  'subreddit_discovery',
  'seo_init',
  'partnerships',
  'geo_blogs',
] as const satisfies readonly TaskType[];

function ToolItem({ type }: { type: TaskType }) {
  const def = getTaskType(type);
  const task = useTask(useLatestTaskId(type));
  const start = useMutation({ mutationFn: () => startTask({ type }) });
  const running = start.isPending || (task !== undefined && !isTerminal(task.status));
  const outcome =
    task === undefined
      ? null
      : running
        ? `${task.progress.percent}% · ${task.message ?? 'Starting…'}`
        : task.status === 'completed'
          ? (task.message ?? def.completedMessage)
          : task.status === 'failed'
            ? (task.error ?? `${def.title} failed`)
            : 'Cancelled';
  return (
    <li
      className="flex items-start gap-3 py-3"
      data-testid={`tool-${type}`}
      data-status={task?.status ?? 'idle'}
    >
      <span className={`grid size-8 shrink-0 place-items-center rounded-lg ${taskColors(type).tile}`}>
        <TaskIcon type={type} className="size-4" />
      </span>
      <div className="min-w-0 flex-1">
        <h3 className="text-sm font-medium">{def.title}</h3>
        <p className="text-xs text-slate-500">{def.description}</p>
        {outcome && (
          <p
            className={`mt-1 text-xs ${task?.status === 'failed' ? 'text-red-700' : 'text-slate-700'}`}
            data-testid={`tool-outcome-${type}`}
          >
            {outcome}
          </p>
        )}
        {start.error && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            Could not start: {start.error.message}
          </p>
        )}
      </div>
      <Button
        variant="secondary"
        size="sm"
        aria-disabled={running}
        aria-label={`Start: ${def.title}`}
        onClick={() => {
          if (!running) start.mutate();
        }}
      >
        {running ? (
          <Loader2 className="size-3.5 animate-spin motion-reduce:animate-none" aria-hidden="true" />
        ) : (
          <Play className="size-3.5" aria-hidden="true" />
        )}
        {running ? 'Running…' : 'Start'}
      </Button>
    </li>
  );
}

/** Subreddit discovery, SEO content, partnerships and local blogs, each with its latest outcome. */
export function SeedTools() {
  return (
    <Card className="p-4">
      <h2 className="text-base font-semibold">Grow beyond Reddit</h2>
      <p className="text-xs text-slate-500">
        Each job runs in the background; its results refresh here and in the filters when it ends.
      </p>
      <ul className="divide-y divide-slate-100">
        {toolTypes.map((type) => (
          <ToolItem key={type} type={type} />
        ))}
      </ul>
    </Card>
  );
}
