import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import {
  type InboxEntry,
  type InboxResponse,
  inboxEntryFromTask,
  inboxResponseSchema,
  inboxView,
} from '../../../protocol';
import { subscribeTaskChanges } from '../../stores/task-store';
import { inboxQueryKey } from './api/get-inbox';

const channelName = 'taskstream:inbox';

/** Tells this browser's other tabs the inbox as the server answered it (after "mark all seen"). */
export function shareInboxWithOtherTabs(inbox: InboxResponse): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(channelName);
  channel.postMessage(inbox);
  channel.close();
}

/**
 * Adds entries for finished tasks the store learns of — from terminal events, and from the snapshot
 * after a reconnect that missed them — made by the same rule the server uses when it writes them,
 * so the bell moves with the event instead of a refetch per task. One already listed stays as is.
 */
function addEntries(queryClient: QueryClient, entries: readonly InboxEntry[]): void {
  queryClient.setQueryData<InboxResponse>(inboxQueryKey, (inbox) =>
    inbox ? inboxView([...inbox.entries, ...entries], inbox.readUpTo) : inbox,
  );
}

/** Keeps the inbox query live: entries from terminal events, the read marker from other tabs. */
export function useInboxSync(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const unsubscribe = subscribeTaskChanges((changes) => {
      const entries = changes
        .map((c) => inboxEntryFromTask(c.task))
        .filter((e): e is InboxEntry => e !== null);
      if (entries.length) addEntries(queryClient, entries);
    });
    if (typeof BroadcastChannel === 'undefined') return unsubscribe;
    const channel = new BroadcastChannel(channelName);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const inbox = inboxResponseSchema.safeParse(event.data);
      if (inbox.success) queryClient.setQueryData(inboxQueryKey, inbox.data);
    };
    return () => {
      unsubscribe();
      channel.close();
    };
  }, [queryClient]);
}
