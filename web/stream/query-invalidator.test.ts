import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTaskOps, subscribeTaskChanges } from '../stores/task-store';
import { advance, finish, makeTask } from '../test/factories';
import { createQueryInvalidator } from './query-invalidator';

describe('createQueryInvalidator', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
    vi.useRealTimers();
  });

  function setup() {
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
    const invalidator = createQueryInvalidator(queryClient);
    cleanups.push(subscribeTaskChanges(invalidator.onChanges), invalidator.dispose);
    return invalidate;
  }

  it("invalidates the registry's query keys once per task even when the end is replayed", () => {
    const invalidate = setup();
    const task = makeTask({ type: 'rebuild_communities' });
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    const done = finish(task, 'completed');
    applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    applyTaskOps([{ kind: 'snapshot', tasks: [done], replace: true }]);
    applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['communities'] });
  });

  it('invalidates after a failure too (the data may have changed part-way)', () => {
    const invalidate = setup();
    const task = makeTask({ type: 'rebuild_communities' });
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    applyTaskOps([{ kind: 'tasks', tasks: [finish(task, 'failed')] }]);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it('refetches live rows at most once a second while a task makes progress', () => {
    vi.useFakeTimers();
    const invalidate = setup();
    let task = makeTask({ type: 'reddit_leads' });
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    for (let i = 1; i <= 10; i++) {
      task = advance(task, { percent: i * 5, progress: { current: i / 2, total: 10, percent: i * 5 } });
      applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
      vi.advanceTimersByTime(100);
    }
    // 1 s of progress: the leading refetch and one trailing one, per key of the type (2 keys).
    expect(invalidate.mock.calls.length).toBeLessThanOrEqual(4);
    expect(invalidate.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
});
