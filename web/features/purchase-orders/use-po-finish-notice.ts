import { useEffect, useState } from 'react';
import type { Task } from '../../../protocol';
import { subscribeTaskChanges } from '../../stores/task-store';

const optInKey = 'taskstream:po-notifications';

function finishText(task: Task): string {
  const po = typeof task.data?.poNumber === 'string' ? task.data.poNumber : 'Purchase order';
  return task.status === 'completed' ? `${po} processed` : `${po} failed`;
}

/**
 * While this page's tab is hidden, a PO that finishes puts its outcome in the tab title and, when
 * the person opted in, in a desktop notification; the page's title comes back when they return.
 */
export function usePoFinishNotice(): void {
  useEffect(() => {
    let saved: string | null = null;
    const restore = () => {
      if (document.hidden || saved === null) return;
      document.title = saved;
      saved = null;
    };
    const unsubscribe = subscribeTaskChanges((changes) => {
      if (!document.hidden) return;
      const ended = changes.filter((c) => c.finished && c.task.type === 'po_processing').map((c) => c.task);
      const last = ended[ended.length - 1];
      if (!last) return;
      saved ??= document.title;
      const text = finishText(last);
      document.title = `${last.status === 'completed' ? '✓' : '✗'} ${text} — taskstream`;
      if (notificationsAllowed())
        new Notification(text, { body: last.error ?? last.message ?? '', tag: last.id });
    });
    document.addEventListener('visibilitychange', restore);
    return () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', restore);
      if (saved !== null) document.title = saved;
    };
  }, []);
}

function notificationsAllowed(): boolean {
  return (
    typeof Notification !== 'undefined' &&
    Notification.permission === 'granted' &&
    localStorage.getItem(optInKey) === 'on'
  );
}

/** The opt-in: asks the browser once, remembers the choice here. */
export function useNotificationOptIn(): {
  supported: boolean;
  enabled: boolean;
  toggle: () => Promise<void>;
} {
  const supported = typeof Notification !== 'undefined';
  const [enabled, setEnabled] = useState(() => supported && notificationsAllowed());
  const toggle = async () => {
    if (!supported) return;
    if (enabled) {
      localStorage.removeItem(optInKey);
      setEnabled(false);
      return;
    }
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') return;
    localStorage.setItem(optInKey, 'on');
    setEnabled(true);
  };
  return { supported, enabled, toggle };
}
