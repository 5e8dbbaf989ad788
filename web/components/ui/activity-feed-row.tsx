import { getTaskType, type Task, type TaskEventName } from '../../../protocol';
import { formatClock } from '../../lib/format';
import { Badge, type BadgeTone } from './badge';

const tones: Record<TaskEventName, BadgeTone> = {
  started: 'info',
  progress: 'neutral',
  completed: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

const labels: Record<TaskEventName, string> = {
  started: 'Started',
  progress: 'Progress',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/**
 * What a feed row says for a task event (without the task's title, which the row shows apart): the
 * task's own message, its error, or the registry's completion text.
 */
export function describeActivity(kind: TaskEventName, task: Task): string {
  switch (kind) {
    case 'started':
      return task.message ?? 'Started';
    case 'progress':
      return task.message ?? `${task.progress.percent}%`;
    case 'completed':
      return task.message ?? getTaskType(task.type).completedMessage;
    case 'failed':
      return task.error ?? 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

export interface ActivityFeedRowProps {
  /** When it happened: ISO-8601 or epoch ms; shown as HH:MM:SS. */
  at: string | number;
  kind: TaskEventName;
  message: string;
  /** What it is about, e.g. the task type's title. */
  title?: string;
  /** Slides in when it appears (a live feed); off for static lists. */
  animate?: boolean;
}

/** One line of seed 004's activity feed: HH:MM:SS, a colour-coded badge, the message. Renders an `<li>`. */
export function ActivityFeedRow({ at, kind, message, title, animate = false }: ActivityFeedRowProps) {
  const iso = new Date(at).toISOString();
  return (
    <li
      data-kind={kind}
      className={`flex items-start gap-3 py-1.5 text-sm ${animate ? 'animate-[feed-row-in_0.2s_ease-out] motion-reduce:animate-none' : ''}`}
    >
      <time dateTime={iso} className="shrink-0 pt-0.5 font-mono text-xs text-slate-500 tabular-nums">
        {formatClock(at)}
      </time>
      <span className="w-[5.5rem] shrink-0">
        <Badge tone={tones[kind]}>{labels[kind]}</Badge>
      </span>
      <p className="min-w-0 flex-1 break-words text-slate-700">
        {title && <span className="font-medium text-slate-900">{title}: </span>}
        {message}
      </p>
    </li>
  );
}
