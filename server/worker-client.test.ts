import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  redisEnv,
  sharedBackends,
  startTestServer,
  type TestServer,
  uniqueUser,
} from './test-support/harness';
import { OwnedProcess } from './test-support/owned-process';
import { hasRedisServer, RedisServerProcess } from './test-support/redis-server';
import { SseClient } from './test-support/sse-client';
import { checkChain, waitFor } from './test-support/stream-checks';
import { connectProgressTracker, type WorkerClientLog } from './worker-client';

const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Runs server/test-support/progress-worker.ts in its own process; resolves to what it printed. */
async function runWorker(env: Record<string, string>): Promise<{ taskId: string; cluster: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/test-support/progress-worker.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker = new OwnedProcess(child, 'SIGKILL');
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`worker exited with ${code}: ${worker.stderr}`);
  return JSON.parse(stdout);
}

describe.each(sharedBackends)('connectProgressTracker in a worker process (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('streams every step a worker in its own process writes, in order, to a client of the server', {
    timeout: 60_000,
  }, async () => {
    const user = uniqueUser('worker');
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    try {
      await client.next('snapshot');
      const steps = 20;
      const worker = await runWorker({ ...(await redisEnv(backend)), OWNER_ID: user, STEPS: String(steps) });
      expect(worker.cluster).toBe(backend === 'cluster');
      await client.until(
        (evs) => evs.some((e) => e.event === 'completed' && e.json.task.id === worker.taskId),
        10_000,
        'the worker’s task to complete',
      );
      const mine = client.taskEvents.filter((e) => e.json.task.id === worker.taskId);
      expect(mine.map((e) => e.event)).toEqual(['started', ...Array(steps).fill('progress'), 'completed']);
      expect(mine.map((e) => e.json.task.version)).toEqual(
        Array.from({ length: steps + 2 }, (_, i) => i + 1),
      );
      const report = checkChain(client.events);
      expect([...report.gaps, ...report.duplicates, ...report.disorder]).toEqual([]);
    } finally {
      client.close();
    }
  });
});

// One redis-server stopped and started again; a whole cluster stopping is in redis-refusals.test.ts.
describe.skipIf(!hasRedisServer)('connectProgressTracker during a Redis outage (real Redis)', () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    redis = await RedisServerProcess.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('logs the outage once and its end once, with no unhandled error events, then works again', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const log: WorkerClientLog = {
      warn: (details, message) => warnings.push(`${message}: ${details.err}`),
      info: (message) => infos.push(message),
    };
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = connectProgressTracker(redis.url, { log, commandTimeoutMs: 500 });
    try {
      const task = await client.tracker.create({ ownerId: 'worker-user', type: 'po_processing', total: 10 });
      let attempts = 0;
      client.redis.on('reconnecting', () => attempts++);
      await redis.stop();
      await waitFor(() => attempts >= 4, 10_000, 'four reconnect attempts');
      await expect(client.tracker.update(task.id, { progress: { current: 1 } })).rejects.toThrow();

      await redis.launch();
      await waitFor(() => infos.length > 0, 10_000, 'the client to reconnect');
      // The restarted Redis is empty (no persistence): a new task works, as any write would.
      const again = await client.tracker.create({ ownerId: 'worker-user', type: 'po_processing', total: 10 });
      expect(again.version).toBe(1);
      expect(warnings).toHaveLength(1);
      expect(infos).toEqual(['redis reachable again']);
      const unhandled = consoleError.mock.calls.filter((c) => String(c[0]).includes('Unhandled error event'));
      expect(unhandled).toEqual([]);
    } finally {
      consoleError.mockRestore();
      await client.close();
    }
  });
});
