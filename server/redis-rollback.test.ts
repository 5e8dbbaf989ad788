import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../protocol';
import { keys } from './tasks/keys';
import {
  type Backend,
  backendsWithCluster,
  startTestServer,
  type TestServer,
  uniqueUser,
} from './test-support/harness';
import { hasRedisServer, RedisServerProcess } from './test-support/redis-server';
import type { ReceivedEvent } from './test-support/sse-client';
import { checkChain, ResumingStream } from './test-support/stream-checks';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Writes that Redis acknowledged after it went back in time, which the client neither received as
 * an event nor saw covered by a snapshot that came after them. Each write sets a distinct
 * `progress.current`, so a write is recognised by content even when its version number repeats.
 */
function silentlyLost(events: ReceivedEvent[], taskId: string, ackedCurrents: number[]): number[] {
  const seen = new Set<number>();
  let coveredUpTo = -1;
  for (const e of events) {
    if (e.event === 'snapshot') {
      const mine = (e.json.tasks as Task[]).find((t) => t.id === taskId);
      if (mine) coveredUpTo = Math.max(coveredUpTo, mine.progress.current);
    } else if (e.json?.task?.id === taskId) {
      seen.add(e.json.task.progress.current as number);
    }
  }
  return ackedCurrents.filter((c) => !seen.has(c) && c > coveredUpTo);
}

/** True once the client knows of the write that set `current`, by an event or a snapshot. */
function reached(events: ReceivedEvent[], taskId: string, current: number | undefined): boolean {
  return events.some(
    (e) =>
      (e.json?.task?.id === taskId && e.json.task.progress.current === current) ||
      (e.event === 'snapshot' &&
        (e.json.tasks as Task[]).some((t) => t.id === taskId && t.progress.current === current)),
  );
}

/** Ids that came twice with different content: an id reused for another event. */
function reusedIds(events: ReceivedEvent[]): string[] {
  const byId = new Map<string, string>();
  const reused: string[] = [];
  for (const e of events) {
    if (!e.id) continue;
    const before = byId.get(e.id);
    if (before !== undefined && before !== e.data) reused.push(e.id);
    byId.set(e.id, e.data);
  }
  return reused;
}

/** Follows the client until it knows of the last of `writes`, stops it and reports what it missed. */
async function outcomeAfter(stream: ResumingStream, taskId: string, writes: number[], label: string) {
  await stream.until((evs) => reached(evs, taskId, writes.at(-1)), 15_000, 'the last write');
  await stream.stop();
  const events = stream.events;
  const lost = silentlyLost(events, taskId, writes);
  const report = checkChain(events);
  const reused = reusedIds(events);
  process.stdout.write(
    `${label} ${writes.length} writes after it: ${lost.length} silently lost, ${report.resets} resets, ` +
      `${reused.length} reused ids, ${report.duplicates.length} duplicates\n`,
  );
  return { lost, report, reused };
}

/** A new user with one running task, and a resuming client that has its first snapshot. */
async function followNewTask(server: TestServer) {
  const user = uniqueUser();
  const token = await server.tokenFor(user);
  const tracker = server.services.tracker;
  const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 1_000_000 });
  const follower = new ResumingStream({ url: () => `${server.url}/api/events`, token, retryMs: 100 });
  await follower.until((evs) => evs.some((e) => e.event === 'snapshot'), 5000, 'snapshot');
  return { user, tracker, task, follower };
}

async function updateUntilAccepted(server: TestServer, taskId: string, current: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      await server.services.tracker.update(taskId, { progress: { current } });
      return;
    } catch {
      await sleep(25); // Redis is back; the command connection may still be reconnecting
    }
  }
  throw new Error(`update ${current} never accepted`);
}

// One Redis restored from its own RDB; a cluster's older data set is a lagging replica promoted (cluster.test.ts).
describe.skipIf(!hasRedisServer)('Redis restored from an older RDB (real Redis, appendonly off)', () => {
  let redis: RedisServerProcess;
  let server: TestServer;
  let admin: Redis;
  let stream: ResumingStream | null = null;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    server = await startTestServer('real', { REDIS_URL: redis.url, HEARTBEAT_MS: '300000' });
    admin = new Redis(redis.url, { retryStrategy: () => 50 });
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    await stream?.stop();
    admin.disconnect();
    await server.close({ timeoutMs: 1000 });
    await redis.stop();
  });

  it('gives a client holding a later id reset + snapshot, then every new event, none lost', async () => {
    const { tracker, task, follower } = await followNewTask(server);
    stream = follower;
    for (let i = 1; i <= 20; i++) await tracker.update(task.id, { progress: { current: i } });
    await admin.save();
    for (let i = 21; i <= 60; i++) await tracker.update(task.id, { progress: { current: i } });
    await stream.until(
      (evs) => evs.some((e) => e.json?.task?.version === 61),
      5000,
      'v61 before the restore',
    );
    const heldBefore = stream.lastEventId;

    await redis.restart({ fromRdb: true, downMs: 200 });
    const afterRestore = Array.from({ length: 100 }, (_, i) => 1000 + i);
    for (const current of afterRestore) await updateUntilAccepted(server, task.id, current);
    const { lost, report, reused } = await outcomeAfter(
      stream,
      task.id,
      afterRestore,
      `[rdb restore] client held ${heldBefore};`,
    );
    expect(lost).toEqual([]);
    expect(report.resets).toBeGreaterThanOrEqual(1);
    expect(reused).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.disorder).toEqual([]);
  });
});

describe.each(backendsWithCluster)('a user whose meta was deleted (%s Redis)', (backend: Backend) => {
  let server: TestServer;
  let stream: ResumingStream | null = null;

  beforeAll(async () => {
    server = await startTestServer(backend, { HEARTBEAT_MS: '300000' });
  });
  afterEach(async () => {
    await stream?.stop();
  });
  afterAll(async () => {
    await server.close({ timeoutMs: 1000 });
  });

  it('sends reset + snapshot and never reuses an id when the counters are deleted', async () => {
    const { user, tracker, task, follower } = await followNewTask(server);
    stream = follower;
    for (let i = 1; i <= 30; i++) await tracker.update(task.id, { progress: { current: i } });
    await stream.until((evs) => evs.some((e) => e.json?.task?.version === 31), 5000, 'v31');

    await server.services.redis.commands.del(keys.meta(user));
    const afterDelete = Array.from({ length: 50 }, (_, i) => 1000 + i);
    for (const current of afterDelete) await tracker.update(task.id, { progress: { current } });
    const { lost, report, reused } = await outcomeAfter(
      stream,
      task.id,
      afterDelete,
      `[meta deleted, ${backend}]`,
    );
    expect(lost).toEqual([]);
    expect(report.resets).toBe(1);
    expect(reused).toEqual([]);
    expect(report.gaps).toEqual([]);
    expect(report.duplicates).toEqual([]);
    expect(report.disorder).toEqual([]);
  });
});
