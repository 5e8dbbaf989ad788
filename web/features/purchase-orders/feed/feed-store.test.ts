import { afterEach, describe, expect, it } from 'vitest';
import { advance, makeTask } from '../../../test/factories';
import { feedCapacity, recordTaskChanges, resetPoFeed, usePoFeedStore } from './feed-store';

afterEach(() => resetPoFeed());

const entries = () => usePoFeedStore.getState().entries;

describe('recordTaskChanges', () => {
  it('keeps the newest entries only, up to its capacity', () => {
    for (let i = 0; i < feedCapacity + 30; i++) {
      const task = makeTask({ type: 'po_processing' });
      recordTaskChanges(
        [{ previous: task, task: advance(task, { stage: 'ai_parsing', message: `m${i}` }), finished: false }],
        i * 1000,
      );
    }
    expect(entries()).toHaveLength(feedCapacity);
    expect(entries()[0]?.message).toBe(`m${feedCapacity + 29}`);
  });

  it('merges a burst of one PO’s progress lines into one line at the top, but not slower ones', () => {
    const task = makeTask({ type: 'po_processing', stage: 'ai_parsing', message: 'start' });
    let previous = task;
    const report = (message: string, at: number) => {
      const next = advance(previous, { message });
      recordTaskChanges([{ previous, task: next, finished: false }], at);
      previous = next;
    };
    report('a', 0);
    report('b', 100);
    report('c', 200);
    expect(entries().map((e) => e.message)).toEqual(['c']);
    report('d', 1000);
    expect(entries().map((e) => e.message)).toEqual(['d', 'c']);
  });

  it('ignores tasks that are not purchase orders', () => {
    const task = makeTask({ type: 'reddit_leads' });
    recordTaskChanges([
      { previous: task, task: advance(task, { stage: 'searching', message: 'x' }), finished: false },
    ]);
    expect(entries()).toEqual([]);
  });
});
