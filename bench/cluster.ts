/**
 * `npm run bench:cluster`: what one Redis and a 3-master Redis Cluster carry, on this machine.
 *
 * For each backend: a fresh redis-server (or 3 cluster masters), the server's own `ProgressTracker`
 * → `TaskStore` write path (version check, epoch, log, trim, indexes, publish: one script per event)
 * driven by concurrent writers over many users for a window; then the per-user channel churn a
 * stream pays when it is its user's first (SUBSCRIBE) or last (UNSUBSCRIBE) stream on a process.
 * Reports writes/s, Redis CPU per write (every node summed) and the busiest node's share of one
 * core, so the capacity of one Redis core — and of a cluster, one core per master — can be read off.
 *
 *   npm run bench:cluster -- [--window 5] [--writers 64] [--users 300] [--channels 2000]
 */
import { parseArgs } from 'node:util';
import { createRedisPair, isCluster, type RedisPair } from '../server/redis';
import { keys } from '../server/tasks/keys';
import { ProgressTracker } from '../server/tasks/progress-tracker';
import { TaskStore } from '../server/tasks/task-store';
import { RedisClusterProcess } from '../server/test-support/redis-cluster';
import { RedisServerProcess } from '../server/test-support/redis-server';
import { cpuMs } from './procs';

const { values: args } = parseArgs({
  options: {
    window: { type: 'string', default: '5' },
    writers: { type: 'string', default: '64' },
    users: { type: 'string', default: '300' },
    channels: { type: 'string', default: '2000' },
  },
});
const windowMs = Number(args.window) * 1000;
const writerCount = Number(args.writers);
const userCount = Number(args.users);
const channelCount = Number(args.channels);

interface Backend {
  name: string;
  pair: RedisPair;
  pids: number[];
  stop(): Promise<void>;
}

async function singleRedis(): Promise<Backend> {
  const redis = await RedisServerProcess.start();
  const pair = createRedisPair(redis.url);
  return { name: 'one Redis', pair, pids: redis.pid ? [redis.pid] : [], stop: () => redis.stop() };
}

async function threeMasters(): Promise<Backend> {
  const cluster = await RedisClusterProcess.start({ masters: 3 });
  const pair = createRedisPair(undefined, { clusterNodes: cluster.seeds.split(',') });
  return { name: '3-master cluster', pair, pids: cluster.pids, stop: () => cluster.stop() };
}

interface WriteFigures {
  writesPerS: number;
  redisUsPerWrite: number;
  busiestNodeCore: number;
  nodeCpuMs: number[];
  clientCpuMsPerWrite: number;
}

async function measureWrites(backend: Backend): Promise<WriteFigures> {
  const tracker = new ProgressTracker(new TaskStore(backend.pair.commands, { logSize: 1000 }));
  const tasks = await Promise.all(
    Array.from({ length: userCount }, (_, i) =>
      tracker.create({ ownerId: `bench-${i}`, type: 'po_processing', total: 1_000_000_000 }),
    ),
  );
  // Warm-up: scripts loaded on every node, connections open.
  await Promise.all(tasks.map((t) => tracker.update(t.id, { progress: { current: 1 } })));
  const before = backend.pids.map(cpuMs);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  let writes = 0;
  await Promise.all(
    Array.from({ length: writerCount }, async (_, lane) => {
      for (let i = lane; performance.now() - started < windowMs; i += writerCount) {
        const task = tasks[i % tasks.length];
        if (!task) continue;
        await tracker.update(task.id, { progress: { current: 2 + Math.floor(i / tasks.length) } });
        writes++;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const nodeCpuMs = backend.pids.map((pid, i) => cpuMs(pid) - (before[i] ?? 0));
  const redisMs = nodeCpuMs.reduce((a, b) => a + b, 0);
  return {
    writesPerS: Math.round((writes * 1000) / elapsedMs),
    redisUsPerWrite: Math.round((redisMs * 1000) / writes),
    busiestNodeCore: Math.max(...nodeCpuMs) / elapsedMs,
    nodeCpuMs: nodeCpuMs.map(Math.round),
    clientCpuMsPerWrite: (client.user + client.system) / 1000 / writes,
  };
}

interface ChurnFigures {
  /** One user's first stream: SUBSCRIBE, then (when the stream ends) UNSUBSCRIBE, one after the other. */
  sequentialUs: number;
  /** Many users' first streams at once (a reconnect storm after a restart). */
  burstPerS: number;
  /** This process's CPU per subscribe + unsubscribe, over both runs. */
  clientCpuUs: number;
}

async function measureChurn(backend: Backend): Promise<ChurnFigures> {
  const sub = backend.pair.subscriber;
  const subscribe = (c: string) => (isCluster(sub) ? sub.ssubscribe(c) : sub.subscribe(c));
  const unsubscribe = (c: string) => (isCluster(sub) ? sub.sunsubscribe(c) : sub.unsubscribe(c));
  const channels = Array.from({ length: channelCount }, (_, i) => keys.events(`churn-${i}`));
  for (const c of channels.slice(0, 50)) {
    await subscribe(c);
    await unsubscribe(c);
  }
  const cpuBefore = process.cpuUsage();
  let started = performance.now();
  for (const c of channels) {
    await subscribe(c);
    await unsubscribe(c);
  }
  const sequentialUs = ((performance.now() - started) * 1000) / channels.length;
  started = performance.now();
  await Promise.all(channels.map(subscribe));
  await Promise.all(channels.map(unsubscribe));
  const burstPerS = Math.round((channels.length * 1000) / (performance.now() - started));
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpuUs = Math.round((cpu.user + cpu.system) / (2 * channels.length));
  return { sequentialUs: Math.round(sequentialUs), burstPerS, clientCpuUs };
}

const rows: string[] = [];
for (const start of [singleRedis, threeMasters]) {
  const backend = await start();
  try {
    const w = await measureWrites(backend);
    const c = await measureChurn(backend);
    rows.push(
      `| ${backend.name} | ${w.writesPerS} | ${w.redisUsPerWrite} µs (${w.nodeCpuMs.join(' + ')} ms) | ` +
        `${Math.round(w.busiestNodeCore * 100)}% | ${w.clientCpuMsPerWrite.toFixed(3)} ms | ` +
        `${c.sequentialUs} µs | ${c.burstPerS}/s | ${c.clientCpuUs} µs |`,
    );
  } finally {
    backend.pair.subscriber.disconnect();
    backend.pair.commands.disconnect();
    await backend.stop();
  }
}

process.stdout.write(
  `\n${writerCount} writers over ${userCount} users for ${windowMs / 1000} s; churn over ${channelCount} channels\n\n` +
    '| backend | writes/s | Redis CPU per write (per node) | busiest node, share of one core | client CPU per write | subscribe + unsubscribe, one after the other | subscribe + unsubscribe, all at once | client CPU per subscribe + unsubscribe |\n' +
    '|---|---|---|---|---|---|---|---|\n' +
    `${rows.join('\n')}\n`,
);
process.exit(0);
