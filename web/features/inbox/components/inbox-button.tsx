import { Bell } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { useInbox } from '../api/get-inbox';
import { useMarkInboxSeen } from '../api/mark-inbox-seen';
import { useOutcomeNotifications } from '../desktop-notifications';
import { useInboxSync } from '../inbox-sync';
import { InboxPanel } from './inbox-panel';

/**
 * The header's bell: the count of outcomes not yet seen, and a panel of what finished, failed or
 * was cancelled. The same on every device (the server keeps it), live across tabs.
 */
export function InboxButton() {
  useInboxSync();
  useOutcomeNotifications();
  const inbox = useInbox();
  const markSeen = useMarkInboxSeen();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);

  /** Closes the panel; focus goes back to the bell, as the element that held it is going away. */
  const close = useCallback(() => {
    setOpen(false);
    wrapper.current?.querySelector<HTMLButtonElement>('button[aria-controls]')?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    const onPointer = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open, close]);

  const unseen = inbox.data?.unseen ?? 0;
  const newest = inbox.data?.entries[0]?.finishedAt;
  return (
    <div ref={wrapper} className="sm:relative">
      <Button
        variant="ghost"
        size="sm"
        className="relative"
        aria-label={unseen ? `Activity, ${unseen} unseen` : 'Activity'}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((x) => !x)}
      >
        <Bell className="size-5" aria-hidden="true" />
        {unseen > 0 && (
          <span
            aria-hidden="true"
            data-testid="inbox-count"
            className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white"
          >
            {unseen > 99 ? '99+' : unseen}
          </span>
        )}
      </Button>
      {open && (
        <InboxPanel
          id={panelId}
          inbox={inbox.data}
          failed={inbox.isError}
          onRetry={() => void inbox.refetch()}
          marking={markSeen.isPending}
          onMarkAllSeen={() => newest && markSeen.mutate(newest)}
          onClose={close}
        />
      )}
    </div>
  );
}
