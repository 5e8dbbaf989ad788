import { create } from 'zustand';
import { subscribeTaskChanges, type TaskChange } from '../../../stores/task-store';
import { type FeedEntry, feedEntriesFor } from './feed-entries';

/** Entries kept; older ones fall off the end. */
export const feedCapacity = 200;
/** The feed commits at most once per window; progress lines of one PO within a window merge. */
const commitWindowMs = 250;

interface FeedState {
  /** Newest first, at most `feedCapacity`. */
  entries: readonly FeedEntry[];
}

export const usePoFeedStore = create<FeedState>()(() => ({ entries: [] }));

let nextId = 0;
/** Lines waiting for the next commit, oldest first. */
let pending: FeedEntry[] = [];
let lastCommitAt = Number.NEGATIVE_INFINITY;
let timer: ReturnType<typeof setTimeout> | null = null;

function commit(now: number): void {
  timer = null;
  lastCommitAt = now;
  if (!pending.length) return;
  const added = pending.reverse();
  pending = [];
  usePoFeedStore.setState((s) => ({ entries: [...added, ...s.entries].slice(0, feedCapacity) }));
}

/**
 * Queues the feed lines of a batch of task changes. At a normal pace a line shows at once; in a
 * burst (hundreds of reports a second) the feed commits at most every 250 ms and keeps only each
 * PO's latest progress line of the window — a feed that scrolls faster than anyone reads costs
 * frames and tells nothing (the PO's card shows every message as it comes).
 */
export function recordTaskChanges(changes: readonly TaskChange[], at = Date.now()): void {
  for (const { previous, task } of changes) {
    for (const entry of feedEntriesFor(previous, task, at)) {
      const merged =
        entry.kind === 'progress'
          ? pending.findIndex(
              (p) => p.kind === 'progress' && p.taskId === entry.taskId && p.stage === entry.stage,
            )
          : -1;
      const line = { ...entry, id: merged >= 0 ? (pending[merged]?.id ?? '') : `f${++nextId}` };
      if (merged >= 0) pending.splice(merged, 1);
      pending.push(line);
    }
  }
  if (!pending.length || timer) return;
  const wait = lastCommitAt + commitWindowMs - at;
  if (wait <= 0) commit(at);
  else timer = setTimeout(() => commit(Date.now()), wait);
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
  if (timer) clearTimeout(timer);
  timer = null;
  pending = [];
  lastCommitAt = Number.NEGATIVE_INFINITY;
  usePoFeedStore.setState({ entries: [] });
}
