import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskUpdateBody } from '../../protocol';
import { AppError } from '../errors';
import type { RedisPair } from '../redis';
import { backendsWithCluster, testRedisPair, uniqueUser } from '../test-support/harness';
import { ProgressTracker } from './progress-tracker';
import { TaskStore } from './task-store';

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, the promise resolved');
}

describe.each(backendsWithCluster)('ProgressTracker (%s Redis)', (backend) => {
  let redis: RedisPair;
  let store: TaskStore;
  let tracker: ProgressTracker;

  beforeAll(async () => {
    redis = await testRedisPair(backend);
    store = new TaskStore(redis.commands, { logSize: 1000 });
    tracker = new ProgressTracker(store);
  });
  afterAll(async () => {
    redis.subscriber.disconnect();
    await redis.commands.quit();
  });

  it('creates a task at version 1 with the registry total when no total is given', async () => {
    const owner = uniqueUser();
    const created = await tracker.create({ ownerId: owner, type: 'rebuild_communities' });
    expect(created.version).toBe(1);
    expect(created.status).toBe('running');
    expect(created.progress).toEqual({ current: 0, total: 100, percent: 0 });
    expect(await tracker.get(created.id)).toEqual(created);
  });

  it('adds one to the version on every update and logs each as an event', async () => {
    const owner = uniqueUser();
    const created = await tracker.create({ ownerId: owner, type: 'po_processing', status: 'pending' });
    await tracker.update(created.id, { progress: { current: 10 } });
    await tracker.update(created.id, { stage: 'ai_parsing', message: 'Parsing' });
    const done = await tracker.complete(created.id, { lineItems: 5 });
    expect(done.version).toBe(4);
    const log = await store.readLogAfter(owner, 0);
    expect(log.events.map((e) => [e.type, e.task.version])).toEqual([
      ['started', 1],
      ['progress', 2],
      ['progress', 3],
      ['completed', 4],
    ]);
    expect(log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('rejects with 404 when the task is unknown', async () => {
    const err = await rejectionOf(tracker.update('t_doesnotexist0000', { progress: { current: 1 } }));
    expect(err.status).toBe(404);
  });

  it('rejects with 400 and writes nothing when the patch is invalid', async () => {
    const owner = uniqueUser();
    const created = await tracker.create({ ownerId: owner, type: 'test_run' });
    const bad = [
      { progress: { percent: 101 } },
      { progress: { current: -1 } },
      { progress: { current: 200 } },
      { message: 'two\nlines' },
      { stage: 'Not A Stage' },
    ] as TaskUpdateBody[];
    for (const patch of bad) expect((await rejectionOf(tracker.update(created.id, patch))).status).toBe(400);
    expect((await tracker.get(created.id))?.version).toBe(1);
    expect((await store.readLogAfter(owner, 0)).events).toHaveLength(1);
  });

  it('rejects with 400 and writes nothing when create would make a task the protocol refuses', async () => {
    const owner = uniqueUser();
    const bad = [{ message: 'two\nlines' }, { stage: 'not_a_stage_of_it' }, { total: 0 }];
    for (const extra of bad) {
      const err = await rejectionOf(tracker.create({ ownerId: owner, type: 'test_run', ...extra }));
      expect(err.status).toBe(400);
    }
    expect((await store.readLogAfter(owner, 0)).events).toHaveLength(0);
    expect((await store.list(owner)).active).toEqual([]);
  });

  it('rejects with 409 and writes nothing when the task has finished', async () => {
    const owner = uniqueUser();
    const created = await tracker.create({ ownerId: owner, type: 'test_run' });
    await tracker.fail(created.id, 'boom');
    const err = await rejectionOf(tracker.update(created.id, { status: 'running' }));
    expect(err.status).toBe(409);
    expect(err.code).toBe('task-finished');
    const stored = await tracker.get(created.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toBe('boom');
  });

  it('never loses the cancel when a worker updates while the task is cancelled', async () => {
    const owner = uniqueUser();
    const rounds = 4;
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: rounds }, async (_, round) => {
        const created = await tracker.create({ ownerId: owner, type: 'po_processing', total: 1000 });
        ids.push(created.id);
        // A worker reporting as fast as it can, until the task is finished under it.
        const worker = (async () => {
          for (let i = 1; i <= 1000; i++) {
            try {
              await tracker.update(created.id, { progress: { current: i }, message: `step ${i}` });
            } catch (err) {
              if (err instanceof AppError && err.code === 'task-finished') return i;
              if (!(err instanceof AppError && err.code === 'task-busy')) throw err;
            }
          }
          return 1001;
        })();
        // Parallel one-shot reports (an HTTP worker sending several at once) race the cancel too.
        const reports = Array.from({ length: 10 }, (_, i) =>
          tracker.update(created.id, { data: { round, report: i } }).catch((e: unknown) => e),
        );
        const [stoppedAt, cancelled] = await Promise.all([worker, tracker.cancel(created.id), ...reports]);
        expect(cancelled.status).toBe('cancelled');
        expect(stoppedAt).toBeLessThanOrEqual(1000);
      }),
    );
    for (const id of ids) expect((await tracker.get(id))?.status).toBe('cancelled');

    const log = await store.readLogAfter(owner, 0);
    const seqs = log.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    for (const id of ids) {
      const events = log.events.filter((e) => e.task.id === id);
      const versions = events.map((e) => e.task.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'cancelled')).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('cancelled');
    }
  }, 60_000);
});
