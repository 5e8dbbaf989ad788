import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from './auth/session-tokens';
import { createLogger } from './logger';
import { createRedisPair } from './redis';
import { type RunningServer, startServer } from './start-server';
import { TEST_JWT_SECRET, testConfig, uniqueUser } from './test-support/harness';
import { RedisClusterProcess } from './test-support/redis-cluster';
import { hasRedisServer, RedisServerProcess } from './test-support/redis-server';
import { waitFor } from './test-support/stream-checks';

const tokens = new SessionTokens(TEST_JWT_SECRET);

/** Everything the server logged, as written (JSON lines). */
class CapturedLog extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// One Redis told to refuse writes (CONFIG SET) or paused (CLIENT PAUSE); a whole cluster not answering is below.
describe.skipIf(!hasRedisServer)('Redis refusing or stalling (real Redis)', () => {
  let redis: RedisServerProcess;
  let server: RunningServer;
  let admin: Redis;
  let captured: CapturedLog;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });
  afterEach(async () => {
    await admin.config('SET', 'min-replicas-to-write', '0');
    await server.close({ timeoutMs: 1000 });
  });

  async function start(commandTimeoutMs = 2000): Promise<void> {
    captured = new CapturedLog();
    const config = testConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    server = await startServer(config, {
      log: createLogger('info', captured),
      redis: createRedisPair(redis.url, { commandTimeoutMs }),
    });
  }

  async function authed(path: string, user: string, init: RequestInit = {}): Promise<Response> {
    const headers = {
      authorization: `Bearer ${await tokens.sign(user)}`,
      'content-type': 'application/json',
    };
    return fetch(`${server.url}${path}`, { ...init, headers });
  }

  it('answers 503 redis-unavailable and logs nothing of the ticket when Redis refuses writes (NOREPLICAS)', async () => {
    await start();
    const user = uniqueUser();
    const issued = await authed('/api/auth/sse-ticket', user, { method: 'POST' });
    const { ticket } = (await issued.json()) as { ticket: string };
    await admin.config('SET', 'min-replicas-to-write', '1');

    const res = await fetch(`${server.url}/api/events?ticket=${ticket}`);
    const body = (await res.json()) as { error: { code: string } };
    expect(res.status).toBe(503);
    expect(body.error.code).toBe('redis-unavailable');
    expect(captured.text).toContain('NOREPLICAS');
    expect(captured.text).not.toContain(ticket);
    expect(captured.text).not.toContain('ts:ticket');
  });

  it('answers 503 redis-unavailable when a task write is refused, without logging the task', async () => {
    await start();
    const user = uniqueUser();
    await admin.config('SET', 'min-replicas-to-write', '1');
    const res = await authed('/api/tasks', user, {
      method: 'POST',
      body: JSON.stringify({ type: 'po_processing' }),
    });
    expect(res.status).toBe(503);
    expect(captured.text).not.toContain(user);
  });

  it('fails a request fast with 503 while Redis stalls, instead of waiting the stall out', async () => {
    await start(300);
    const user = uniqueUser();
    await admin.client('PAUSE', 1500, 'ALL');
    const startedAt = Date.now();
    const res = await authed('/api/tasks', user);
    const tookMs = Date.now() - startedAt;
    process.stdout.write(
      `[redis stall] GET /api/tasks answered ${res.status} after ${tookMs} ms of a 1500 ms pause\n`,
    );
    expect(res.status).toBe(503);
    expect(tookMs).toBeLessThan(1000);
  });
});

// Its own cluster, stopped for good by the test: the one cluster of this file.
describe.skipIf(!hasRedisServer)('a Redis Cluster no node of which answers', () => {
  let cluster: RedisClusterProcess;
  let server: RunningServer;
  beforeAll(async () => {
    cluster = await RedisClusterProcess.start();
    const config = testConfig({ REDIS_CLUSTER_NODES: cluster.seeds, REDIS_COMMAND_TIMEOUT_MS: '500' });
    server = await startServer(config);
  });
  afterAll(async () => {
    await server.close({ timeoutMs: 1000 });
    await cluster.stop();
  });

  it('answers 503 within the command timeout instead of holding requests while the client reconnects', {
    timeout: 30_000,
  }, async () => {
    const user = uniqueUser();
    const headers = {
      authorization: `Bearer ${await tokens.sign(user)}`,
      'content-type': 'application/json',
    };
    expect((await fetch(`${server.url}/api/tasks`, { headers })).status).toBe(200);
    await cluster.stop();
    // Until the client notices, commands fail on their node's connection; from then on they wait
    // in the cluster client's own queue, which is what the requests below must not hang in.
    await waitFor(
      () => server.services.redis.commands.status === 'reconnecting',
      5000,
      'the client to reconnect',
    );
    const requests: Array<[string, RequestInit]> = [
      ['/api/health', {}],
      ['/api/tasks', { headers }],
      ['/api/tasks', { method: 'POST', headers, body: JSON.stringify({ type: 'seo_init' }) }],
      ['/api/events', { headers }],
      ['/api/inbox', { headers }],
    ];
    for (const [path, init] of requests) {
      const startedAt = Date.now();
      const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
      const tookMs = Date.now() - startedAt;
      const body = (await res.json()) as { redis?: string; error?: { code: string } };
      process.stdout.write(
        `[cluster down] ${init.method ?? 'GET'} ${path} answered ${res.status} after ${tookMs} ms\n`,
      );
      expect(res.status, path).toBe(503);
      expect(body.redis ?? body.error?.code, path).toMatch(/^(down|redis-unavailable)$/);
      expect(tookMs, path).toBeLessThan(2000);
    }
  });
});
