import { afterEach, describe, expect, it, vi } from 'vitest';
import { advance, makeTask } from '../../../test/factories';
import { feedCapacity, recordTaskChanges, resetPoFeed, usePoFeedStore } from './feed-store';

afterEach(() => {
  resetPoFeed();
  vi.useRealTimers();
});

const entries = () => usePoFeedStore.getState().entries;

describe('recordTaskChanges', () => {
  it('keeps the newest entries only, up to its capacity', () => {
    for (let i = 0; i < feedCapacity + 30; i++) {
      const task = makeTask({ type: 'po_processing' });
      const next = advance(task, { stage: 'ai_parsing', message: `m${i}` });
      recordTaskChanges([{ previous: task, task: next, finished: false }], i * 1000);
    }
    expect(entries()).toHaveLength(feedCapacity);
    expect(entries()[0]?.message).toBe(`m${feedCapacity + 29}`);
  });

  it('shows a line at once, then in a burst commits once per window with each PO’s latest progress', () => {
    vi.useFakeTimers({ now: 10_000 });
    const task = makeTask({ type: 'po_processing', stage: 'ai_parsing', message: 'start' });
    let previous = task;
    const report = (message: string) => {
      const next = advance(previous, { message });
      recordTaskChanges([{ previous, task: next, finished: false }], Date.now());
      previous = next;
    };
    report('a');
    expect(entries().map((e) => e.message)).toEqual(['a']);
    vi.advanceTimersByTime(50);
    report('b');
    vi.advanceTimersByTime(50);
    report('c');
    expect(entries().map((e) => e.message)).toEqual(['a']);
    vi.advanceTimersByTime(200);
    expect(entries().map((e) => e.message)).toEqual(['c', 'a']);
  });

  it('ignores tasks that are not purchase orders', () => {
    const task = makeTask({ type: 'reddit_leads' });
    const next = advance(task, { stage: 'searching', message: 'x' });
    recordTaskChanges([{ previous: task, task: next, finished: false }]);
    expect(entries()).toEqual([]);
  });
});
