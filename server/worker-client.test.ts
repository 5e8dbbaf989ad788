import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasRedisServer, RedisServerProcess } from './test-support/redis-server';
import { waitFor } from './test-support/stream-checks';
import { connectProgressTracker, type WorkerClientLog } from './worker-client';

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
