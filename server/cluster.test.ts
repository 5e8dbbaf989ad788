import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../protocol';
import { isCluster } from './redis';
import { hashSlot } from './tasks/hash-slots';
import { keys } from './tasks/keys';
import { startTestServer, type TestServer, uniqueUser } from './test-support/harness';
import { RedisClusterProcess } from './test-support/redis-cluster';
import { hasRedisServer } from './test-support/redis-server';
import { type ChainReport, checkChain, ResumingStream, waitFor } from './test-support/stream-checks';

if (!hasRedisServer) {
  process.stderr.write('\n*** server/cluster.test.ts SKIPPED: redis-server is not installed ***\n\n');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Users until every master of `cluster` serves at least `perMaster` of them. */
async function usersOnEveryMaster(cluster: RedisClusterProcess, perMaster: number): Promise<string[][]> {
  const byMaster = new Map<number, string[]>();
  while (byMaster.size < 3 || [...byMaster.values()].some((users) => users.length < perMaster)) {
    const user = uniqueUser();
    const port = (await cluster.masterOf(keys.meta(user))).server.port;
    const users = byMaster.get(port) ?? [];
    if (users.length < perMaster) users.push(user);
    byMaster.set(port, users);
  }
  return [...byMaster.values()];
}

/**
 * Writes progress to one task per user, a few hundred events a second in all, until stopped;
 * writes that fail while a shard has no master are retried, as a worker would.
 */
function startWriters(server: TestServer, tasks: Task[]) {
  let writing = true;
  let acknowledged = 0;
  let failures = 0;
  const done = Promise.all(
    tasks.map(async (task) => {
      for (let i = 1; writing; i++) {
        try {
          await server.services.tracker.update(task.id, { progress: { current: i } });
          acknowledged++;
          await sleep(5);
        } catch {
          failures++;
          await sleep(50);
        }
      }
    }),
  );
  return {
    get acknowledged() {
      return acknowledged;
    },
    get failures() {
      return failures;
    },
    async stop() {
      writing = false;
      await done;
    },
  };
}

/** Follows each user's stream to its head and returns what each client saw. */
async function followToHead(server: TestServer, streams: Map<string, ResumingStream>) {
  const reports = new Map<string, ChainReport>();
  for (const [user, stream] of streams) {
    const head = (await server.api('/api/tasks', { as: user })).json.cursor as string;
    await stream.until((evs) => evs.some((e) => e.id === head), 20_000, `${user}'s last event ${head}`);
    await stream.stop();
    reports.set(user, checkChain(stream.events));
  }
  return reports;
}

/** The version each client holds last for `task` (from events and snapshots), as the store would. */
function lastVersionSeen(stream: ResumingStream, taskId: string): number {
  let version = 0;
  for (const ev of stream.events) {
    if (ev.event === 'snapshot') {
      for (const t of ev.json.tasks as Task[]) if (t.id === taskId) version = Math.max(version, t.version);
    } else if (ev.json?.task?.id === taskId) version = Math.max(version, ev.json.task.version);
  }
  return version;
}

/** Opens a resuming stream per user on `s` (each to its first snapshot). */
async function follow(s: TestServer, users: string[], streams: ResumingStream[]) {
  const followed = new Map<string, ResumingStream>();
  for (const user of users) {
    const stream = new ResumingStream({
      url: () => `${s.url}/api/events`,
      token: await s.tokenFor(user),
      retryMs: 100,
    });
    streams.push(stream);
    followed.set(user, stream);
    await stream.until((evs) => evs.some((e) => e.event === 'snapshot'), 10_000, 'snapshot');
  }
  return followed;
}

/**
 * Two server processes on one Redis (or cluster), each with streams for half of `users`: every
 * client gets every event, and each process receives its own users' events and no one else's.
 */
async function expectOwnShareOnly(
  [a, b]: [TestServer, TestServer],
  users: string[],
  streams: ResumingStream[],
  label: string,
): Promise<void> {
  const mine = new Map([
    [a, users.filter((_, i) => i % 2 === 0)],
    [b, users.filter((_, i) => i % 2 === 1)],
  ]);
  const received = new Map([
    [a, 0],
    [b, 0],
  ]);
  for (const s of [a, b]) {
    const message = isCluster(s.services.redis.subscriber) ? 'smessage' : 'message';
    s.services.redis.subscriber.on(message, () => received.set(s, (received.get(s) ?? 0) + 1));
  }
  const followed = new Map([
    [a, await follow(a, mine.get(a) ?? [], streams)],
    [b, await follow(b, mine.get(b) ?? [], streams)],
  ]);
  const tasks = await Promise.all(
    users.map((ownerId) => a.services.tracker.create({ ownerId, type: 'po_processing', total: 1000 })),
  );
  const perTask = 50;
  await Promise.all(
    tasks.map(async (task) => {
      for (let i = 1; i <= perTask; i++)
        await a.services.tracker.update(task.id, { progress: { current: i } });
    }),
  );
  for (const [s, byUser] of followed) {
    const reports = await followToHead(s, byUser);
    for (const report of reports.values()) {
      expect(report.delivered).toBe(perTask + 1);
      expect([...report.gaps, ...report.duplicates, ...report.disorder]).toEqual([]);
    }
  }
  const total = users.length * (perTask + 1);
  for (const [s, name] of [
    [a, 'A'],
    [b, 'B'],
  ] as const) {
    const own = (mine.get(s)?.length ?? 0) * (perTask + 1);
    const got = received.get(s) ?? 0;
    process.stdout.write(
      `[${label} share] process ${name}: ${got} of ${total} events received ` +
        `(${Math.round((100 * got) / total)}%), its users' share ${own}\n`,
    );
    expect(got).toBe(own);
  }
  // The last stream of a user closed: this process no longer listens to that user's channel.
  await waitFor(() => a.services.bus.subscriptionCount === 0, 5000, "A's streams to close");
  // One SUBSCRIBE when a user's first stream opened here, one UNSUBSCRIBE when their last closed.
  expect(a.services.bus.channelChangeCount).toBe(2 * (mine.get(a)?.length ?? 0));
}

describe.skipIf(!hasRedisServer)('one Redis, two processes', () => {
  const servers: TestServer[] = [];
  const streams: ResumingStream[] = [];
  afterAll(async () => {
    for (const s of streams.splice(0)) await s.stop();
    for (const s of servers.splice(0)) await s.close({ timeoutMs: 1000 });
  });

  it('gives each process only the events of the users it has streams for', { timeout: 60_000 }, async () => {
    servers.push(await startTestServer('real'), await startTestServer('real'));
    const [a, b] = servers;
    if (!a || !b) throw new Error('two servers');
    const users = Array.from({ length: 12 }, () => uniqueUser());
    await expectOwnShareOnly([a, b], users, streams, 'one Redis');
  });
});

/**
 * A real Redis Cluster: 3 masters with a replica each. The faults a cluster adds to a single
 * Redis's — a master killed and its replica promoted, a slot moved to another master under load —
 * and the point of sharded pub/sub: each process receives only its own users' events.
 */
describe.skipIf(!hasRedisServer)('Redis Cluster (3 masters, 1 replica each)', () => {
  let cluster: RedisClusterProcess;
  const servers: TestServer[] = [];
  const streams: ResumingStream[] = [];

  beforeAll(async () => {
    cluster = await RedisClusterProcess.start({ masters: 3, replicasPerMaster: 1 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.stop();
    for (const s of servers.splice(0)) await s.close({ timeoutMs: 1000 });
  });

  async function server(): Promise<TestServer> {
    // Heartbeats check each user's head: the backstop for a doorbell lost while a shard moved.
    const started = await startTestServer('cluster', {
      REDIS_CLUSTER_NODES: cluster.seeds,
      HEARTBEAT_MS: '500',
      EVENT_LOG_SIZE: '100000',
    });
    servers.push(started);
    return started;
  }

  it('gives each process only the events of the users it has streams for', { timeout: 60_000 }, async () => {
    const users = (await usersOnEveryMaster(cluster, 4)).flat();
    await expectOwnShareOnly([await server(), await server()], users, streams, 'cluster');
  });

  it('loses and repeats nothing when a slot moves to another master under load', {
    timeout: 60_000,
  }, async () => {
    const s = await server();
    const [moving, ...others] = (await usersOnEveryMaster(cluster, 1)).flat();
    if (!moving) throw new Error('no user');
    const users = [moving, ...others];
    const followed = await follow(s, users, streams);
    const tasks = await Promise.all(
      users.map((ownerId) => s.services.tracker.create({ ownerId, type: 'po_processing', total: 1_000_000 })),
    );
    const writers = startWriters(s, tasks);
    const stream = followed.get(moving);
    await stream?.until(
      (evs) => evs.filter((e) => e.event === 'progress').length >= 100,
      10_000,
      '100 events',
    );
    const before = writers.acknowledged;
    const movedKeys = await cluster.migrateSlotOf(keys.meta(moving));
    await stream?.until(
      (evs) => evs.filter((e) => e.event === 'progress').length >= 400,
      15_000,
      '300 events after the move',
    );
    await writers.stop();
    const reports = await followToHead(s, followed);
    const movingReport = reports.get(moving);
    process.stdout.write(
      `[cluster slot move] slot ${hashSlot(keys.meta(moving))}: ${movedKeys} keys moved under load; ` +
        `${writers.acknowledged} writes (${before} before), ${writers.failures} retried; ` +
        `moving user: ${movingReport?.delivered} delivered, ${movingReport?.resets} resets\n`,
    );
    for (const [user, report] of reports) {
      expect([...report.gaps, ...report.duplicates, ...report.disorder]).toEqual([]);
      const task = tasks[users.indexOf(user)];
      const stored = (await s.api(`/api/tasks/${task?.id}`, { as: user })).json.task as Task;
      expect(lastVersionSeen(followed.get(user) as ResumingStream, stored.id)).toBe(stored.version);
    }
    expect(movedKeys).toBeGreaterThanOrEqual(4);
  });

  it('loses nothing silently when a master is killed and its replica takes over', {
    timeout: 90_000,
  }, async () => {
    const s = await server();
    const groups = await usersOnEveryMaster(cluster, 2);
    const users = groups.flat();
    const [victim] = users;
    if (!victim) throw new Error('no user');
    const followed = await follow(s, users, streams);
    const tasks = await Promise.all(
      users.map((ownerId) => s.services.tracker.create({ ownerId, type: 'po_processing', total: 1_000_000 })),
    );
    const writers = startWriters(s, tasks);
    await followed
      .get(victim)
      ?.until((evs) => evs.filter((e) => e.event === 'progress').length >= 100, 10_000, '100 events');
    const downMs = await cluster.killMasterOf(keys.meta(victim));
    const after = writers.acknowledged;
    await followed
      .get(victim)
      ?.until(
        (evs) => evs.filter((e) => e.event === 'progress').length >= 400,
        20_000,
        'events after the failover',
      );
    await writers.stop();
    const reports = await followToHead(s, followed);
    const onVictimShard = new Set(groups.find((g) => g.includes(victim)));
    let resets = 0;
    for (const [user, report] of reports) {
      // Never a silent gap: either exact, or a reset + snapshot that the client replaces its state with.
      expect([...report.gaps, ...report.duplicates, ...report.disorder]).toEqual([]);
      const task = tasks[users.indexOf(user)];
      const stored = (await s.api(`/api/tasks/${task?.id}`, { as: user })).json.task as Task;
      expect(lastVersionSeen(followed.get(user) as ResumingStream, stored.id)).toBe(stored.version);
      if (!onVictimShard.has(user)) expect(report.resets).toBe(0);
      resets += report.resets;
    }
    process.stdout.write(
      `[cluster failover] master down ${downMs} ms until its replica served; ${writers.acknowledged} writes ` +
        `(${writers.acknowledged - after} after), ${writers.failures} retried; ${users.length} users, ` +
        `${resets} resets (users on the failed shard only), 0 gaps, 0 duplicates\n`,
    );
  });
});
