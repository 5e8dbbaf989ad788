import { useEffect, useSyncExternalStore } from 'react';
import { getTaskType, inboxEntryFromTask } from '../../../protocol';
import { isPageHidden } from '../../lib/page-visibility';
import { subscribeTaskChanges } from '../../stores/task-store';

/** The person's choice, per browser: notifications are never asked for until they opt in. */
const storageKey = 'taskstream:desktop-notifications';

export type NotificationSetting = 'unsupported' | 'blocked' | 'off' | 'on';

const listeners = new Set<() => void>();

function readSetting(): NotificationSetting {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  const chosen = localStorage.getItem(storageKey) === 'on';
  return chosen && Notification.permission === 'granted' ? 'on' : 'off';
}

function changed(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useNotificationSetting(): NotificationSetting {
  return useSyncExternalStore(subscribe, readSetting, () => 'unsupported');
}

/** Opts in (asking the browser for permission the first time) or out. */
export async function setDesktopNotifications(on: boolean): Promise<void> {
  if (typeof Notification === 'undefined') return;
  if (!on) localStorage.removeItem(storageKey);
  else {
    const permission =
      Notification.permission === 'default'
        ? await Notification.requestPermission()
        : Notification.permission;
    if (permission === 'granted') localStorage.setItem(storageKey, 'on');
  }
  changed();
}

const headlines = { completed: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;

/**
 * A desktop notification for each task that completes or fails while the page is out of sight,
 * once the person has opted in. The tag is the task id, so tabs of one browser that all notify
 * show one notification.
 */
export function useOutcomeNotifications(): void {
  useEffect(
    () =>
      subscribeTaskChanges((changes) => {
        if (!isPageHidden() || readSetting() !== 'on') return;
        for (const { task, finished } of changes) {
          const entry = finished ? inboxEntryFromTask(task) : null;
          if (!entry || entry.status === 'cancelled') continue;
          const notification = new Notification(
            `${headlines[entry.status]}: ${getTaskType(task.type).title}`,
            {
              body: entry.text,
              tag: `taskstream-${task.id}`,
            },
          );
          notification.onclick = () => window.focus();
        }
      }),
    [],
  );
}
