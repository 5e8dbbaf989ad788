import { useSyncExternalStore } from 'react';

/**
 * One clock for every ticking duration on the page: a single interval runs while at least one
 * component listens, however many rows tick, and stops with the last one.
 */
const tickMs = 1000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, tickMs);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const idle = () => () => {};
const read = () => now;

/** The shared clock's time while `ticking`; a non-ticking caller neither subscribes nor re-renders. */
export function useSharedNow(ticking: boolean): number {
  return useSyncExternalStore(ticking ? subscribe : idle, read);
}

/** How many intervals the shared clock runs now (0 or 1); for tests. */
export function sharedClockTimers(): number {
  return timer ? 1 : 0;
}
