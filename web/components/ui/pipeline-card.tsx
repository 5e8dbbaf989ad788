import { AlertCircle, CheckCircle2, Circle, CircleSlash, Loader2 } from 'lucide-react';
import { getTaskType, stagesOf, type Task } from '../../../protocol';
import { stageLabel } from '../../lib/format';
import { StatusBadge } from './badge';
import { Card } from './card';
import { ProgressBar } from './progress-bar';
import { TaskIcon, taskColors } from './task-look';

export type PipelineStageState = 'waiting' | 'active' | 'done' | 'failed' | 'cancelled';

export interface PipelineStage {
  /** Machine name from the registry (`ai_parsing`). */
  stage: string;
  /** As people read it ("AI parsing"). */
  label: string;
  state: PipelineStageState;
  /** 0..100 within this stage: the share of the stage's registry steps reached. */
  percent: number;
  /** The task's message (or error) on the stage it is at. */
  message?: string;
}

/**
 * A task's stages in registry order (`stagesOf`), each with its own progress: a stage's percent is
 * the share of its scripted steps that `progress.current` has reached, and the task is at the first
 * stage not yet complete — which is where a failure or a cancellation happened.
 */
export function pipelineStages(task: Task): PipelineStage[] {
  const def = getTaskType(task.type);
  const stages = stagesOf(task.type).map((stage) => {
    const steps = def.steps.filter((s) => s.stage === stage);
    const reached = steps.filter((s) => s.current <= task.progress.current).length;
    return { stage, reached, total: steps.length };
  });
  const at = task.status === 'completed' ? -1 : stages.findIndex((s) => s.reached < s.total);
  return stages.map(({ stage, reached, total }, index) => {
    const done = task.status === 'completed' || (at === -1 ? true : index < at);
    const percent = done ? 100 : Math.round((reached / total) * 100);
    let state: PipelineStageState = done ? 'done' : 'waiting';
    let message: string | undefined;
    if (index === at) {
      if (task.status === 'running') state = 'active';
      else if (task.status === 'failed') state = 'failed';
      else if (task.status === 'cancelled') state = 'cancelled';
      message = task.status === 'failed' ? task.error : task.status === 'running' ? task.message : undefined;
    }
    return { stage, label: stageLabel(stage), state, percent, ...(message ? { message } : {}) };
  });
}

const stateLabels: Record<PipelineStageState, string> = {
  waiting: 'Waiting',
  active: 'In progress',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const stateStyles: Record<PipelineStageState, { box: string; text: string; bar: string }> = {
  waiting: { box: 'border-slate-200 bg-slate-50', text: 'text-slate-500', bar: 'bg-slate-400' },
  active: { box: 'border-blue-200 bg-blue-50/60', text: 'text-blue-700', bar: 'bg-blue-500' },
  done: { box: 'border-emerald-200 bg-emerald-50/60', text: 'text-emerald-700', bar: 'bg-emerald-500' },
  failed: { box: 'border-red-200 bg-red-50', text: 'text-red-700', bar: 'bg-red-500' },
  cancelled: { box: 'border-amber-200 bg-amber-50', text: 'text-amber-800', bar: 'bg-amber-500' },
};

function StageIcon({ state }: { state: PipelineStageState }) {
  const className = 'size-4 shrink-0';
  switch (state) {
    case 'waiting':
      return <Circle className={className} aria-hidden="true" />;
    case 'active':
      return (
        <Loader2 className={`${className} animate-spin motion-reduce:animate-none`} aria-hidden="true" />
      );
    case 'done':
      return <CheckCircle2 className={className} aria-hidden="true" />;
    case 'failed':
      return <AlertCircle className={className} aria-hidden="true" />;
    case 'cancelled':
      return <CircleSlash className={className} aria-hidden="true" />;
  }
}

export interface PipelineCardProps {
  task: Task;
}

/** Seed 004's pipeline status card: one box per registry stage, each with its own progress bar. */
export function PipelineCard({ task }: PipelineCardProps) {
  const def = getTaskType(task.type);
  const colors = taskColors(task.type);
  const stages = pipelineStages(task);
  return (
    <Card className="p-4" data-testid="pipeline-card" data-status={task.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className={`grid size-8 shrink-0 place-items-center rounded-lg ${colors.tile}`}>
          <TaskIcon type={task.type} className="size-4" />
        </span>
        <h3 className="text-sm font-semibold">{def.title}</h3>
        <StatusBadge status={task.status} />
        <span className="ml-auto text-xs text-slate-500 tabular-nums">{task.progress.percent}% overall</span>
      </div>
      <ol aria-label={`${def.title} stages`} className="mt-3 grid gap-2 sm:auto-cols-fr sm:grid-flow-col">
        {stages.map((s) => {
          const style = stateStyles[s.state];
          return (
            <li
              key={s.stage}
              data-stage={s.stage}
              data-state={s.state}
              className={`min-w-0 space-y-1.5 rounded-lg border p-2.5 ${style.box}`}
            >
              <div className={`flex items-center gap-1.5 text-xs font-semibold ${style.text}`}>
                <StageIcon state={s.state} />
                <span className="min-w-0 break-words">{s.label}</span>
              </div>
              <ProgressBar
                percent={s.percent}
                label={`${s.label} stage`}
                size="sm"
                barClassName={style.bar}
                valueText={`${s.percent}%, ${stateLabels[s.state]}`}
              />
              <div className={`flex justify-between gap-1 text-[11px] ${style.text}`}>
                <span>{stateLabels[s.state]}</span>
                <span className="tabular-nums">{s.percent}%</span>
              </div>
              {s.message && (
                <p
                  className={`text-xs ${s.state === 'failed' ? 'text-red-700' : 'text-slate-600'}`}
                  role={s.state === 'failed' ? 'alert' : undefined}
                >
                  {s.message}
                </p>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
