import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';
import { keys } from './keys';
import { ProgressTracker } from './progress-tracker';
import { STALLED_TASK_ERROR, StallSweeper } from './stall-sweeper';

const STALL_TIMEOUT_MS = 60_000;

describe.each(backendsWithCluster)('StallSweeper (%s Redis)', (backend) => {
  let server: TestServer;
  /** The sweeper's clock, moved by the tests instead of waiting. */
  let clock = Date.now();
  let sweeper: StallSweeper;

  beforeAll(async () => {
    server = await startTestServer(backend);
    sweeper = new StallSweeper(server.services.redis.commands, server.services.store, {
      stallTimeoutMs: STALL_TIMEOUT_MS,
      intervalMs: 20,
      now: () => clock,
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    sweeper.stop();
    await server.close();
  });

  const createdTask = (ownerId = uniqueUser(), status: 'pending' | 'running' = 'running') =>
    server.services.tracker.create({ ownerId, type: 'po_processing', status });

  it('fails a task with "The worker stopped responding" when it is not updated within the timeout', async () => {
    const task = await createdTask();
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    await sweeper.sweep();
    const swept = await server.services.tracker.get(task.id);
    expect(swept).toMatchObject({ status: 'failed', error: STALLED_TASK_ERROR, version: task.version + 1 });
  });

  it('leaves a task running when it was updated within the timeout', async () => {
    const task = await createdTask();
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS - 1;
    await sweeper.sweep();
    expect(await server.services.tracker.get(task.id)).toMatchObject({ status: 'running', version: 1 });
    await server.services.tracker.cancel(task.id);
  });

  it('fails a pending task whose outside worker never picked it up', async () => {
    const task = await createdTask(uniqueUser(), 'pending');
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    await sweeper.sweep();
    expect(await server.services.tracker.get(task.id)).toMatchObject({
      status: 'failed',
      error: STALLED_TASK_ERROR,
    });
  });

  it('counts from the last update, not from creation', async () => {
    let workerClock = Date.now();
    const worker = new ProgressTracker(server.services.store, { now: () => new Date(workerClock) });
    const task = await worker.create({ ownerId: uniqueUser(), type: 'po_processing' });
    workerClock += STALL_TIMEOUT_MS;
    await worker.update(task.id, { progress: { current: 10 } });
    clock = workerClock + STALL_TIMEOUT_MS / 2;
    await sweeper.sweep();
    expect(await worker.get(task.id)).toMatchObject({ status: 'running', version: 2 });
    await worker.cancel(task.id);
  });

  it('leaves a finished task as it is', async () => {
    const task = await createdTask();
    const completed = await server.services.tracker.complete(task.id);
    clock = Date.parse(completed.updatedAt) + STALL_TIMEOUT_MS + 1;
    await sweeper.sweep();
    expect(await server.services.tracker.get(task.id)).toEqual(completed);
  });

  it('sends a failed event on the owner stream when its timer sweeps a stalled task', async () => {
    const owner = uniqueUser();
    const stream = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(owner) });
    await stream.next('snapshot');
    const task = await createdTask(owner);
    await stream.until((events) => events.some((e) => e.event === 'started' && e.json.task.id === task.id));
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    sweeper.start();
    const failed = await stream.next('failed');
    sweeper.stop();
    stream.close();
    expect(failed.json.task).toMatchObject({ id: task.id, status: 'failed', error: STALLED_TASK_ERROR });
  });

  it("keeps each unfinished task in its owner's update index at its last update, and drops it when it ends", async () => {
    let workerClock = Date.now();
    const worker = new ProgressTracker(server.services.store, { now: () => new Date(workerClock) });
    const owner = uniqueUser();
    const task = await worker.create({ ownerId: owner, type: 'po_processing' });
    const redis = server.services.redis.commands;
    expect(Number(await redis.zscore(keys.updated(owner), task.id))).toBe(workerClock);
    workerClock += 5000;
    await worker.update(task.id, { progress: { current: 10 } });
    expect(Number(await redis.zscore(keys.updated(owner), task.id))).toBe(workerClock);
    await worker.complete(task.id);
    expect(await redis.zscore(keys.updated(owner), task.id)).toBeNull();
  });

  it('reads no task that is not past the timeout', async () => {
    const tasks = await Promise.all(Array.from({ length: 20 }, () => createdTask()));
    clock = Math.min(...tasks.map((t) => Date.parse(t.updatedAt))) + STALL_TIMEOUT_MS - 1;
    const reads = vi.spyOn(server.services.store, 'get');
    try {
      await sweeper.sweep();
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    await Promise.all(tasks.map((t) => server.services.tracker.cancel(t.id)));
  });

  it('catches, in its pass on start, a stalled task that is missing from the update index (written before it existed)', async () => {
    const task = await createdTask();
    await server.services.redis.commands.zrem(keys.updated(task.ownerId), task.id);
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    await sweeper.sweep();
    expect(await server.services.tracker.get(task.id)).toMatchObject({ status: 'running' });
    await sweeper.sweepAll();
    expect(await server.services.tracker.get(task.id)).toMatchObject({
      status: 'failed',
      error: STALLED_TASK_ERROR,
    });
  });

  it('drops an index entry whose task data is gone', async () => {
    const task = await createdTask();
    const redis = server.services.redis.commands;
    await redis.del(keys.task(task.id));
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    await sweeper.sweep();
    expect(await redis.zscore(keys.updated(task.ownerId), task.id)).toBeNull();
  });

  it('fails a task once when two processes sweep it at the same time', async () => {
    const other = new StallSweeper(server.services.redis.commands, server.services.store, {
      stallTimeoutMs: STALL_TIMEOUT_MS,
      now: () => clock,
      log: pino({ level: 'silent' }),
    });
    const task = await createdTask();
    clock = Date.parse(task.updatedAt) + STALL_TIMEOUT_MS + 1;
    await Promise.all([sweeper.sweep(), other.sweep()]);
    const { events } = await server.services.store.readLogAfter(task.ownerId, 0);
    expect(events.filter((e) => e.task.id === task.id).map((e) => e.type)).toEqual(['started', 'failed']);
  });
});
