import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task, TaskUpdateBody } from '../../protocol';
import { AppError } from '../errors';
import { createRedisPair, type RedisPair } from '../redis';
import { backends, sharedRedisServer, uniqueUser } from '../test-support/harness';
import { applyPatch, ProgressTracker } from './progress-tracker';
import { TaskStore } from './task-store';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 't_aaaaaaaaaaaaaaaa',
    type: 'reddit_leads',
    ownerId: 'alice',
    status: 'running',
    progress: { current: 0, total: 10, percent: 0 },
    trigger: 'manual',
    version: 1,
    createdAt: t0.toISOString(),
    updatedAt: t0.toISOString(),
    startedAt: t0.toISOString(),
    ...overrides,
  };
}

/** The AppError `fn` throws (failing the test when it throws nothing or something else). */
function appErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError, the promise resolved');
}

describe('applyPatch', () => {
  it('computes percent from current and total when current is reported', () => {
    const next = applyPatch(task(), { progress: { current: 3 } }, later(1000));
    expect(next.progress).toEqual({ current: 3, total: 10, percent: 30 });
  });

  it('uses a new total when one is reported with current', () => {
    const next = applyPatch(task(), { progress: { current: 1, total: 8 } }, later(1000));
    expect(next.progress).toEqual({ current: 1, total: 8, percent: 12 });
  });

  it('derives current from percent when only percent is reported', () => {
    const next = applyPatch(task(), { progress: { percent: 40 } }, later(1000));
    expect(next.progress).toEqual({ current: 4, total: 10, percent: 40 });
  });

  it('adds one to the version and stamps updatedAt when anything changes', () => {
    const next = applyPatch(task({ version: 7 }), { message: 'hi' }, later(5))!;
    expect(next.version).toBe(8);
    expect(next.updatedAt).toBe(later(5).toISOString());
    expect(next.message).toBe('hi');
  });

  it('throws 400 invalid-progress when current exceeds total', () => {
    const err = appErrorOf(() => applyPatch(task(), { progress: { current: 11 } }, later(1)));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid-progress');
  });

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'throws 409 task-finished when the task is %s',
    (status) => {
      const err = appErrorOf(() => applyPatch(task({ status }), { progress: { current: 1 } }, later(1)));
      expect(err.status).toBe(409);
      expect(err.code).toBe('task-finished');
    },
  );

  it('throws 409 task-finished when a finished task is set running again', () => {
    const err = appErrorOf(() => applyPatch(task({ status: 'completed' }), { status: 'running' }, later(1)));
    expect(err.status).toBe(409);
    expect(err.code).toBe('task-finished');
  });

  it('throws 409 when a running task is moved back to pending', () => {
    const err = appErrorOf(() => applyPatch(task(), { status: 'pending' }, later(1)));
    expect(err.status).toBe(409);
    expect(err.code).toBe('invalid-transition');
  });

  it('starts a pending task when progress is reported', () => {
    const pending = task({ status: 'pending' });
    delete pending.startedAt;
    const next = applyPatch(pending, { progress: { current: 2 } }, later(10));
    expect(next.status).toBe('running');
    expect(next.startedAt).toBe(later(10).toISOString());
  });

  it('sets percent 100, current to total and finishedAt when the task completes', () => {
    const next = applyPatch(
      task({ progress: { current: 3, total: 10, percent: 30 }, etaMs: 500 }),
      { status: 'completed', result: { itemsFound: 4 } },
      later(2000),
    );
    expect(next.status).toBe('completed');
    expect(next.progress).toEqual({ current: 10, total: 10, percent: 100 });
    expect(next.finishedAt).toBe(later(2000).toISOString());
    expect(next.result).toEqual({ itemsFound: 4 });
    expect(next.etaMs).toBeUndefined();
  });

  it('keeps the reported error when the task fails', () => {
    const next = applyPatch(task(), { status: 'failed', error: 'Database timeout' }, later(3));
    expect(next.status).toBe('failed');
    expect(next.error).toBe('Database timeout');
    expect(next.finishedAt).toBe(later(3).toISOString());
  });

  it('sets a readable error when the task fails without one', () => {
    const next = applyPatch(task(), { status: 'failed' }, later(3));
    expect(next.error).toEqual(expect.any(String));
    expect(next.error?.length).toBeGreaterThan(0);
  });

  it('throws 400 when a result or error comes without a final status', () => {
    expect(appErrorOf(() => applyPatch(task(), { result: { a: 1 } }, later(1))).status).toBe(400);
    expect(appErrorOf(() => applyPatch(task(), { error: 'x' }, later(1))).status).toBe(400);
  });

  it('has no etaMs while there is no progress', () => {
    const next = applyPatch(task(), { message: 'warming up' }, later(4000));
    expect(next.etaMs).toBeUndefined();
  });

  it('estimates etaMs from elapsed time once there is progress', () => {
    const next = applyPatch(task(), { progress: { current: 2.5 } }, later(10_000));
    expect(next.progress.percent).toBe(25);
    expect(next.etaMs).toBe(30_000);
  });

  it('merges data with the data already there', () => {
    const next = applyPatch(task({ data: { batch: 1, query: 'a' } }), { data: { batch: 2 } }, later(1));
    expect(next.data).toEqual({ batch: 2, query: 'a' });
  });

  it('does not change the input task', () => {
    const before = task();
    const copy = structuredClone(before);
    applyPatch(before, { progress: { current: 5 }, message: 'm' }, later(1));
    expect(before).toEqual(copy);
  });
});

describe.each(backends)('ProgressTracker (%s Redis)', (backend) => {
  let redis: RedisPair;
  let store: TaskStore;
  let tracker: ProgressTracker;

  beforeAll(async () => {
    const url = backend === 'real' ? (await sharedRedisServer()).url : undefined;
    redis = createRedisPair(url);
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
