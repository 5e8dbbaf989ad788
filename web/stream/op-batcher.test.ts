import { describe, expect, it } from 'vitest';
import type { TaskOp } from '../../protocol';
import { advance, finish, makeTask } from '../test/factories';
import { OpBatcher } from './op-batcher';

function manualScheduler() {
  const queued: Array<() => void> = [];
  return {
    schedule: (cb: () => void) => {
      queued.push(cb);
      return () => {
        const i = queued.indexOf(cb);
        if (i >= 0) queued.splice(i, 1);
      };
    },
    frame: () => {
      for (const cb of queued.splice(0)) cb();
    },
    get pending() {
      return queued.length;
    },
  };
}

describe('OpBatcher', () => {
  it('hands over at most once per frame however many events arrive', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    let task = makeTask();
    for (let i = 0; i < 1000; i++) {
      task = advance(task, { percent: Math.floor(i / 10) });
      batcher.push({ kind: 'tasks', tasks: [task] });
    }
    expect(frames.pending).toBe(1);
    frames.frame();
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toEqual([{ kind: 'tasks', tasks: [task] }]);
  });

  it('keeps the highest version per task when events arrive out of order', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    const v1 = makeTask();
    const v2 = advance(v1, { percent: 40 });
    batcher.push({ kind: 'tasks', tasks: [v2] });
    batcher.push({ kind: 'tasks', tasks: [v1] });
    frames.frame();
    expect(flushes[0]).toEqual([{ kind: 'tasks', tasks: [v2] }]);
  });

  it('never drops a terminal event, even followed by an older progress event', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    const running = makeTask({ percent: 50 });
    const done = finish(running, 'completed');
    batcher.push({ kind: 'tasks', tasks: [done] });
    batcher.push({ kind: 'tasks', tasks: [running] });
    frames.frame();
    expect(flushes[0]?.[0]).toEqual({ kind: 'tasks', tasks: [done] });
  });

  it('keeps snapshots in order between runs of task events', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    const a = makeTask();
    const b = makeTask();
    batcher.push({ kind: 'tasks', tasks: [a] });
    batcher.push({ kind: 'snapshot', tasks: [b], replace: true });
    batcher.push({ kind: 'tasks', tasks: [advance(b)] });
    frames.frame();
    expect(flushes[0]?.map((op) => op.kind)).toEqual(['tasks', 'snapshot', 'tasks']);
  });

  it('discards what was queued before a clear', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    batcher.push({ kind: 'tasks', tasks: [makeTask()] });
    batcher.push({ kind: 'clear' });
    frames.frame();
    expect(flushes[0]).toEqual([{ kind: 'clear' }]);
  });

  it('flushes at once on demand and schedules nothing more', () => {
    const flushes: TaskOp[][] = [];
    const frames = manualScheduler();
    const batcher = new OpBatcher((ops) => flushes.push(ops), frames.schedule);
    batcher.push({ kind: 'tasks', tasks: [makeTask()] });
    batcher.flush();
    expect(flushes).toHaveLength(1);
    expect(frames.pending).toBe(0);
  });
});
