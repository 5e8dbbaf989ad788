import { create } from 'zustand';
import { subscribeTaskChanges, type TaskChange } from '../../../stores/task-store';
import { type FeedEntry, feedEntriesFor } from './feed-entries';

/** Entries kept; older ones fall off the end. */
export const feedCapacity = 200;
/** A PO's progress lines closer together than this merge into one line that updates in place. */
const progressMergeMs = 250;

interface FeedState {
  /** Newest first, at most `feedCapacity`. */
  entries: readonly FeedEntry[];
}

export const usePoFeedStore = create<FeedState>()(() => ({ entries: [] }));

let nextId = 0;

/**
 * Adds the feed lines of a batch of task changes in one store update. A burst (hundreds of
 * progress reports a second) would otherwise push every line off screen before anyone reads it:
 * a PO's newest progress line, if recent, is updated and moved to the top instead of repeated.
 */
export function recordTaskChanges(changes: readonly TaskChange[], at = Date.now()): void {
  let entries = usePoFeedStore.getState().entries;
  let changed = false;
  for (const { previous, task } of changes) {
    for (const entry of feedEntriesFor(previous, task, at)) {
      changed = true;
      if (entry.kind === 'progress') {
        const index = entries.findIndex((e) => e.taskId === entry.taskId);
        const latest = entries[index];
        if (latest?.kind === 'progress' && latest.stage === entry.stage && at - latest.at < progressMergeMs) {
          entries = [{ ...entry, id: latest.id, at: latest.at }, ...entries.filter((_, i) => i !== index)];
          continue;
        }
      }
      nextId += 1;
      entries = [{ ...entry, id: `f${nextId}` }, ...entries];
    }
  }
  if (!changed) return;
  usePoFeedStore.setState({ entries: entries.slice(0, feedCapacity) });
}

let listeners = 0;
let unsubscribe: (() => void) | null = null;

/** Records PO task changes while at least one feed is mounted (StrictMode mounts twice). */
export function startPoFeed(): () => void {
  listeners += 1;
  unsubscribe ??= subscribeTaskChanges((changes) => recordTaskChanges(changes));
  return () => {
    listeners -= 1;
    if (listeners === 0) {
      unsubscribe?.();
      unsubscribe = null;
    }
  };
}

export function resetPoFeed(): void {
  usePoFeedStore.setState({ entries: [] });
}
