import { BellRing } from 'lucide-react';
import type { InboxResponse } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { useNow } from '../../../lib/use-now';
import { setDesktopNotifications, useNotificationSetting } from '../desktop-notifications';
import { InboxEntryRow } from './inbox-entry-row';

function NotificationChoice() {
  const setting = useNotificationSetting();
  if (setting === 'unsupported') return null;
  if (setting === 'blocked') {
    return (
      <p className="text-xs text-slate-600">Desktop notifications are blocked in this browser's settings.</p>
    );
  }
  return (
    <Button variant="secondary" size="sm" onClick={() => void setDesktopNotifications(setting !== 'on')}>
      <BellRing className="size-4" aria-hidden="true" />
      {setting === 'on' ? 'Turn off desktop notifications' : 'Notify me when tasks end'}
    </Button>
  );
}

export interface InboxPanelProps {
  id: string;
  inbox: InboxResponse | undefined;
  failed: boolean;
  onRetry: () => void;
  onMarkAllSeen: () => void;
  marking: boolean;
  onClose: () => void;
}

/** The inbox's open panel: what ended, newest first, with "mark all seen" and the notification opt-in. */
export function InboxPanel({ id, inbox, failed, onRetry, onMarkAllSeen, marking, onClose }: InboxPanelProps) {
  const now = useNow(true, 30_000);
  const marker = inbox?.readUpTo ? Date.parse(inbox.readUpTo) : Number.NEGATIVE_INFINITY;
  const nothingUnseen = !inbox || inbox.unseen === 0;
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className="fixed inset-x-2 top-14 z-40 flex max-h-[70dvh] flex-col rounded-xl border border-slate-200 bg-white shadow-xl sm:absolute sm:inset-x-auto sm:top-full sm:right-0 sm:mt-2 sm:w-96"
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          Activity
        </h2>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            if (!nothingUnseen && !marking) onMarkAllSeen();
          }}
          aria-disabled={nothingUnseen || marking}
          className={nothingUnseen ? 'text-slate-500' : ''}
        >
          Mark all seen
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {failed && !inbox ? (
          <div className="space-y-2 px-4 py-6 text-sm text-slate-700">
            <p>The activity could not be loaded.</p>
            <Button variant="secondary" size="sm" onClick={onRetry}>
              Try again
            </Button>
          </div>
        ) : !inbox ? (
          <p className="px-4 py-6 text-sm text-slate-600" role="status">
            Loading…
          </p>
        ) : inbox.entries.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600">
            Nothing has finished yet. Tasks you run show up here when they end.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Finished tasks">
            {inbox.entries.map((entry) => (
              <InboxEntryRow
                key={entry.taskId}
                entry={entry}
                unseen={Date.parse(entry.finishedAt) > marker}
                now={now}
                onOpen={onClose}
              />
            ))}
          </ul>
        )}
      </div>
      <div className="border-t border-slate-100 px-4 py-3">
        <NotificationChoice />
      </div>
    </section>
  );
}
