import { create } from 'zustand';
import { leadBatchOf, type RedditLead } from '../../../protocol';
import { subscribeTaskChanges } from '../../stores/task-store';

interface LiveLeadsState {
  /** Leads that arrived with progress events since the page opened, in arrival order. */
  leads: readonly RedditLead[];
  /** Ids of those leads, to highlight them and to drop them from fetched pages' duplicates. */
  ids: ReadonlySet<string>;
}

export const useLiveLeadsStore = create<LiveLeadsState>()(() => ({ leads: [], ids: new Set() }));

/** Appends leads not seen yet, in one store update (one render for a whole batch). */
function appendLiveLeads(batch: readonly RedditLead[]): void {
  const { leads, ids } = useLiveLeadsStore.getState();
  const fresh = batch.filter((lead) => !ids.has(lead.id));
  if (!fresh.length) return;
  const nextIds = new Set(ids);
  for (const lead of fresh) nextIds.add(lead.id);
  useLiveLeadsStore.setState({ leads: [...leads, ...fresh], ids: nextIds });
}

export function resetLiveLeads(): void {
  useLiveLeadsStore.setState({ leads: [], ids: new Set() });
}

/**
 * Appends each batch as its progress event is applied to the task store: synchronously, so its
 * rows render in the same frame as the progress bar. Returns the unsubscribe.
 */
export function watchLeadBatches(): () => void {
  return subscribeTaskChanges((changes) => {
    for (const { task, previous } of changes) {
      if (previous && previous.progress.current === task.progress.current) continue;
      const batch = leadBatchOf(task);
      if (batch?.length) appendLiveLeads(batch);
    }
  });
}
