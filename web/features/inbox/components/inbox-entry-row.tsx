import { AlertCircle, CheckCircle2, CircleSlash } from 'lucide-react';
import { Link } from 'react-router';
import { getTaskType, type InboxEntry } from '../../../../protocol';
import { formatClock, formatDuration } from '../../../lib/format';

const outcomes = {
  completed: { Icon: CheckCircle2, label: 'Completed', tone: 'text-emerald-700' },
  failed: { Icon: AlertCircle, label: 'Failed', tone: 'text-red-700' },
  cancelled: { Icon: CircleSlash, label: 'Cancelled', tone: 'text-amber-800' },
} as const;

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
function formatAgo(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.round(h / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

export interface InboxEntryRowProps {
  entry: InboxEntry;
  unseen: boolean;
  now: number;
  onOpen: () => void;
}

/** One finished task in the inbox: what it was, how it ended, when, how long it took, where to look. */
export function InboxEntryRow({ entry, unseen, now, onOpen }: InboxEntryRowProps) {
  const { Icon, label, tone } = outcomes[entry.status];
  return (
    <li className={`flex gap-3 px-4 py-3 ${unseen ? 'bg-indigo-50/60' : ''}`} data-task-id={entry.taskId}>
      <Icon className={`mt-0.5 size-5 shrink-0 ${tone}`} aria-hidden="true" />
      <div className="min-w-0 flex-1">
        <p className="flex items-center gap-2 text-sm">
          {unseen && (
            <span className="size-2 shrink-0 rounded-full bg-indigo-600" aria-hidden="true" title="New" />
          )}
          {unseen && <span className="sr-only">New: </span>}
          <Link
            to={entry.href}
            onClick={onOpen}
            className="truncate font-medium text-slate-900 underline-offset-2 hover:underline"
          >
            {getTaskType(entry.type).title}
          </Link>
        </p>
        <p className={`mt-0.5 line-clamp-2 text-sm break-words ${tone}`}>
          <span className="sr-only">{label}: </span>
          {entry.text}
        </p>
        <p className="mt-0.5 text-xs text-slate-600">
          {label}{' '}
          <time dateTime={entry.finishedAt} title={formatClock(entry.finishedAt)}>
            {formatAgo(entry.finishedAt, now)}
          </time>
          {entry.durationMs !== null && ` · took ${formatDuration(entry.durationMs)}`}
        </p>
      </div>
    </li>
  );
}
