import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Task } from '../../protocol';
import { advance, finish, makeTask } from '../test/factories';
import {
  ANNOUNCE_BURST_MS,
  burstSummary,
  dismissProgress,
  holdAutoDismiss,
  releaseAutoDismiss,
  trackProgressStack,
  useProgressStackStore,
} from './progress-stack-store';
import { applyTaskOps, subscribeTaskChanges } from './task-store';

/** Every message each live region received, in order (a new `seq` is a new message). */
function recordAnnouncements() {
  const heard: { region: 'polite' | 'assertive'; text: string }[] = [];
  const unsubscribe = useProgressStackStore.subscribe((state, previous) => {
    if (state.polite && state.polite.seq !== previous.polite?.seq) {
      heard.push({ region: 'polite', text: state.polite.text });
    }
    if (state.assertive && state.assertive.seq !== previous.assertive?.seq) {
      heard.push({ region: 'assertive', text: state.assertive.text });
    }
  });
  return { heard, unsubscribe };
}

const apply = (...tasks: Task[]) => applyTaskOps([{ kind: 'tasks', tasks }]);

describe('progress stack announcements', () => {
  let stop: () => void;
  let recorder: ReturnType<typeof recordAnnouncements>;
  beforeEach(() => {
    vi.useFakeTimers();
    stop = subscribeTaskChanges(trackProgressStack);
    recorder = recordAnnouncements();
  });
  afterEach(() => {
    recorder.unsubscribe();
    stop();
    vi.useRealTimers();
  });

  it('announces each outcome once when its event is replayed and re-snapshotted', () => {
    const task = makeTask({ percent: 90 });
    apply(task);
    const done = finish(task, 'completed');
    apply(done);
    apply(done);
    applyTaskOps([{ kind: 'snapshot', tasks: [done], replace: true }]);
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    expect(recorder.heard).toEqual([
      { region: 'polite', text: 'Rebuilding Communities: Completed! 12 communities and 348 edges' },
    ]);
  });

  it('announces two tasks that end with identical messages twice', () => {
    const a = makeTask({ percent: 50 });
    const b = makeTask({ percent: 50 });
    apply(a, b);
    apply(finish(a, 'completed'));
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    apply(finish(b, 'completed'));
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    const text = 'Rebuilding Communities: Completed! 12 communities and 348 edges';
    expect(recorder.heard).toEqual([
      { region: 'polite', text },
      { region: 'polite', text },
    ]);
    const { polite } = useProgressStackStore.getState();
    expect(polite?.seq).toBeGreaterThan(1);
  });

  it('summarises a burst of outcomes in one assertive message when one of them failed', () => {
    const tasks = Array.from({ length: 13 }, () => makeTask({ percent: 40 }));
    apply(...tasks);
    const [first, ...rest] = tasks;
    if (!first) throw new Error('no task');
    // They arrive over several batches within the burst window.
    apply(finish(first, 'failed', { error: 'Graph database timeout.' }));
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS / 2);
    apply(...rest.map((t) => finish(t, 'completed')));
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    expect(recorder.heard).toEqual([{ region: 'assertive', text: '12 tasks finished, 1 failed' }]);
  });

  it('announces a lone failure assertively, with its error', () => {
    const task = makeTask();
    apply(task);
    apply(finish(task, 'failed', { error: 'Graph database timeout.' }));
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    expect(recorder.heard).toEqual([
      { region: 'assertive', text: 'Rebuilding Communities failed: Graph database timeout.' },
    ]);
  });

  it('says the completion text, not the last progress message, when an outside worker finishes silently', () => {
    const task = makeTask({ percent: 90, message: 'Linking entities to their communities...' });
    apply(task);
    apply(
      advance(task, {
        status: 'completed',
        percent: 100,
        finishedAt: task.updatedAt,
        result: { communities_count: 12, edges_count: 348 },
      }),
    );
    vi.advanceTimersByTime(ANNOUNCE_BURST_MS);
    expect(useProgressStackStore.getState().outcomes[task.id]).toBe(
      'Completed! 12 communities and 348 edges',
    );
    expect(recorder.heard[0]?.text).toBe('Rebuilding Communities: Completed! 12 communities and 348 edges');
  });
});

describe('burstSummary', () => {
  it('counts each outcome and leaves out the zeros', () => {
    expect(burstSummary([{ status: 'completed' }, { status: 'completed' }])).toBe('2 tasks finished');
    expect(burstSummary([{ status: 'failed' }])).toBe('1 task failed');
    expect(burstSummary([{ status: 'completed' }, { status: 'cancelled' }, { status: 'failed' }])).toBe(
      '1 task finished, 1 failed, 1 cancelled',
    );
  });
});

describe('progress stack auto-dismiss', () => {
  let stop: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    stop = subscribeTaskChanges(trackProgressStack);
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  const ids = () => useProgressStackStore.getState().ids;

  it('dismisses a completed card after 6 s however many other tasks tick meanwhile', () => {
    const done = makeTask({ percent: 90 });
    let others = Array.from({ length: 4 }, () => makeTask({ percent: 10 }));
    apply(done, ...others);
    apply(finish(done, 'completed'));
    // 5.5 s of progress ticks from the four others, then 0.4 s more: 5.9 s in all.
    for (let tick = 0; tick < 11; tick++) {
      others = others.map((t) => advance(t, { percent: Math.min(99, t.progress.percent + 1) }));
      apply(...others);
      vi.advanceTimersByTime(500);
    }
    vi.advanceTimersByTime(400);
    expect(ids()).toContain(done.id);
    vi.advanceTimersByTime(200);
    expect(ids()).not.toContain(done.id);
    expect(ids()).toHaveLength(4);
  });

  it('times out every finished card, shown or folded', () => {
    const tasks = Array.from({ length: 8 }, () => makeTask({ percent: 50 }));
    apply(...tasks);
    apply(...tasks.map((t) => finish(t, 'cancelled')));
    vi.advanceTimersByTime(5000);
    expect(ids()).toEqual([]);
  });

  it('waits while a card is held and resumes with the time that was left', () => {
    const task = makeTask({ percent: 50 });
    apply(task);
    apply(finish(task, 'completed'));
    vi.advanceTimersByTime(4000);
    holdAutoDismiss(task.id);
    vi.advanceTimersByTime(30_000);
    expect(ids()).toContain(task.id);
    releaseAutoDismiss(task.id);
    vi.advanceTimersByTime(1900);
    expect(ids()).toContain(task.id);
    vi.advanceTimersByTime(200);
    expect(ids()).not.toContain(task.id);
  });

  it('forgets the timer of a card dismissed by hand', () => {
    const task = makeTask({ percent: 50 });
    apply(task);
    apply(finish(task, 'failed'));
    dismissProgress(task.id);
    expect(ids()).toEqual([]);
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
  });
});
