import { afterEach, describe, expect, it } from 'vitest';
import { advance, finish, makeTask } from '../test/factories';
import { applyTaskOps, subscribeTaskChanges, type TaskChange, useTaskStore } from './task-store';

describe('task store', () => {
  let unsubscribe: (() => void) | null = null;
  afterEach(() => unsubscribe?.());

  function record(): TaskChange[] {
    const seen: TaskChange[] = [];
    unsubscribe = subscribeTaskChanges((changes) => seen.push(...changes));
    return seen;
  }

  it('keeps tasks by id so two tasks of one type coexist', () => {
    const a = makeTask();
    const b = makeTask();
    applyTaskOps([{ kind: 'tasks', tasks: [a, b] }]);
    expect(Object.keys(useTaskStore.getState().byId)).toEqual([a.id, b.id]);
  });

  it('ignores a stale version when an older event arrives late', () => {
    const v1 = makeTask({ percent: 10 });
    const v2 = advance(v1, { percent: 50 });
    applyTaskOps([{ kind: 'tasks', tasks: [v2] }]);
    applyTaskOps([{ kind: 'tasks', tasks: [v1] }]);
    expect(useTaskStore.getState().byId[v1.id]?.progress.percent).toBe(50);
  });

  it('changes nothing and notifies no one when the same event is applied twice', () => {
    const seen = record();
    const task = makeTask();
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    const before = useTaskStore.getState().byId;
    expect(applyTaskOps([{ kind: 'tasks', tasks: [task] }])).toEqual([]);
    expect(useTaskStore.getState().byId).toBe(before);
    expect(seen).toHaveLength(1);
  });

  it('reports a task as finished once when its terminal event is replayed', () => {
    const seen = record();
    const task = makeTask();
    const done = finish(task, 'completed');
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    expect(seen.filter((c) => c.finished).map((c) => c.task.id)).toEqual([task.id]);
  });

  it('reports a task first seen finished in an event as finished', () => {
    const seen = record();
    const done = finish(makeTask(), 'failed');
    applyTaskOps([{ kind: 'tasks', tasks: [done] }]);
    expect(seen[0]?.finished).toBe(true);
  });

  it('does not report tasks that had already finished when the list is loaded', () => {
    const seen = record();
    applyTaskOps([{ kind: 'load', tasks: [finish(makeTask(), 'completed')] }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.finished).toBe(false);
  });

  it('reports a running task that a snapshot shows finished', () => {
    const seen = record();
    const task = makeTask();
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    applyTaskOps([{ kind: 'snapshot', tasks: [finish(task, 'completed')], replace: false }]);
    expect(seen.at(-1)?.finished).toBe(true);
  });

  it('drops tasks a snapshot no longer lists and keeps a newer known version', () => {
    const gone = makeTask();
    const kept = makeTask();
    const newer = advance(kept, { percent: 80 });
    applyTaskOps([{ kind: 'tasks', tasks: [gone, newer] }]);
    applyTaskOps([{ kind: 'snapshot', tasks: [kept], replace: false }]);
    const byId = useTaskStore.getState().byId;
    expect(byId[gone.id]).toBeUndefined();
    expect(byId[kept.id]?.version).toBe(newer.version);
  });

  it('replaces state outright when the snapshot follows a reset', () => {
    const task = advance(advance(makeTask()));
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    const restarted = { ...task, version: 1, progress: { ...task.progress, percent: 5 } };
    applyTaskOps([{ kind: 'snapshot', tasks: [restarted], replace: true }]);
    expect(useTaskStore.getState().byId[task.id]?.version).toBe(1);
  });

  it('updates the store once for a whole batch of ops', () => {
    let updates = 0;
    const stop = useTaskStore.subscribe(() => updates++);
    const tasks = Array.from({ length: 20 }, () => makeTask());
    applyTaskOps(tasks.map((task) => ({ kind: 'tasks', tasks: [task] })));
    stop();
    expect(updates).toBe(1);
  });
});
