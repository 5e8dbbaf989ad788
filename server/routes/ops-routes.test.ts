import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthResponseSchema } from '../../protocol';
import { type RunningServer, startServer } from '../start-server';
import {
  backendsWithCluster,
  redisEnv,
  startTestServer,
  TEST_JWT_SECRET,
  TEST_WORKER_TOKEN,
  type TestServer,
  testConfig,
  uniqueUser,
} from '../test-support/harness';
import { hasRedisServer, RedisServerProcess } from '../test-support/redis-server';
import { SseClient } from '../test-support/sse-client';

/** Repeats `check` (each try a real request, no timers) until it holds or `timeoutMs` passes. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The value of an unlabelled or labelled sample in Prometheus text, or undefined. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe.each(backendsWithCluster)('operations (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const health = async () => {
    const res = await server.api('/api/health');
    return { res, body: healthResponseSchema.parse(res.json) };
  };

  describe('GET /api/health', () => {
    it('answers 200 ok with the documented shape when no credentials are sent', async () => {
      const { res, body } = await health();
      expect(res.status).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.redis).toBe('up');
      expect(body.uptimeS).toBeGreaterThanOrEqual(0);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('counts open streams while they are open and none once they close, with no user data', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const before = (await health()).body;
      const a = await SseClient.open(`${server.url}/api/events`, { token });
      const b = await SseClient.open(`${server.url}/api/events`, { token });
      await a.next('snapshot');
      await b.next('snapshot');

      const open = await health();
      expect(open.body.connections.active).toBe(before.connections.active + 2);
      expect(open.body.connections.total).toBe(before.connections.total + 2);
      expect(
        open.body.connections.healthy + open.body.connections.unhealthy + open.body.connections.stale,
      ).toBe(open.body.connections.active);
      expect(open.res.text).not.toContain(user);

      a.close();
      b.close();
      await eventually(async () => (await health()).body.connections.active === 0, 'streams to close');
      const after = (await health()).body;
      expect(after.connections.total).toBe(before.connections.total + 2);
      expect(after.averageConnectionMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('GET /metrics', () => {
    it('serves Prometheus text with connection, latency and task event metrics', async () => {
      const user = uniqueUser();
      const stream = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
      await stream.next('snapshot');
      const created = await server.api('/api/tasks', { as: user, body: { type: 'subreddit_discovery' } });
      expect(created.status).toBe(202);
      await stream.next('started');

      const res = await fetch(`${server.url}/metrics`);
      const text = await res.text();
      stream.close();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text).toMatch(/^# HELP taskstream_sse_connections_active /m);
      expect(text).toMatch(/^# TYPE taskstream_sse_connections_active gauge$/m);
      expect(sample(text, 'taskstream_sse_connections_active')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^# TYPE taskstream_publish_to_write_seconds histogram$/m);
      expect(sample(text, 'taskstream_publish_to_write_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^# TYPE taskstream_task_events_total counter$/m);
      expect(text).toMatch(
        /^taskstream_task_events_total\{type="subreddit_discovery",event="started"\} [1-9]\d*$/m,
      );
      await server.api(`/api/tasks/${created.json.task.id}/cancel`, { method: 'POST', as: user });
    });
  });
});

// Its own redis-server, stopped for good; the cluster stopped for good is in redis-refusals.test.ts.
describe.skipIf(!hasRedisServer)('GET /api/health when Redis stops', () => {
  let redis: RedisServerProcess;
  let server: TestServer;
  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    server = await startTestServer('real', { REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await server.close();
    await redis.stop();
  });

  it('answers 503 with redis down, and the API answers 503 rather than 500, when redis-server is stopped', async () => {
    const up = await server.api('/api/health');
    expect(up.status).toBe(200);
    expect(up.json.redis).toBe('up');

    await redis.stop();
    const down = await server.api('/api/health');
    expect(down.status).toBe(503);
    const body = healthResponseSchema.parse(down.json);
    expect(body.redis).toBe('down');
    expect(body.status).toBe('degraded');

    const stream = await server.api('/api/events', { as: uniqueUser() });
    expect(stream.status).toBe(503);
    expect(stream.json.error.code).toBe('redis-unavailable');

    const create = await server.api('/api/tasks', { as: uniqueUser(), body: { type: 'seo_init' } });
    expect(create.status).toBe(503);
    expect(create.json).toEqual({ error: { code: 'redis-unavailable', message: expect.any(String) } });
    expect(create.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe.each(backendsWithCluster)('logs (%s Redis)', (backend) => {
  let running: RunningServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const env: Record<string, string> = { LOG_LEVEL: 'debug' };
    Object.assign(env, await redisEnv(backend));
    running = await startServer(testConfig(env), { log: pino({ level: 'debug' }, sink) });
  });
  afterAll(() => running.close());

  it('contains no JWT, cookie, ticket or worker token when requests carry them', async () => {
    const url = running.url;
    const user = uniqueUser();
    const secrets: string[] = [TEST_JWT_SECRET, TEST_WORKER_TOKEN];

    // A bearer JWT, in its header and (refused) in the URL.
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'demo' }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const jwt = cookie.slice(cookie.indexOf('=') + 1);
    secrets.push(jwt, jwt.split('.')[2]!);
    const bearer = { authorization: `Bearer ${jwt}` };
    expect((await fetch(`${url}/api/tasks`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${url}/api/tasks?token=${jwt}`)).status).toBe(401);
    expect((await fetch(`${url}/api/events?token=${jwt}`)).status).toBe(401);
    const created = await fetch(`${url}/api/tasks`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'seo_init' }),
    });
    expect(created.status).toBe(202);

    // A ticket, used once and then refused.
    const issued = await fetch(`${url}/api/auth/sse-ticket`, { method: 'POST', headers: bearer });
    const { ticket } = (await issued.json()) as { ticket: string };
    secrets.push(ticket);
    const stream = await SseClient.open(`${url}/api/events?ticket=${ticket}`);
    await stream.next('connected');
    stream.close();
    expect((await fetch(`${url}/api/events?ticket=${ticket}`)).status).toBe(401);

    // The cookie; signing out revokes the session, so it comes after the bearer uses of the same JWT.
    expect((await fetch(`${url}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);

    // The worker token, and a wrong one.
    const wrongWorkerToken = 'wrong-worker-token-9876543210';
    secrets.push(wrongWorkerToken);
    const workerTask = await fetch(`${url}/api/worker/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ownerId: user, type: 'job_run' }),
    });
    expect(workerTask.status).toBe(201);
    const { task } = (await workerTask.json()) as { task: { id: string } };
    const progress = await fetch(`${url}/api/tasks/${task.id}/progress`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ progress: { percent: 10 } }),
    });
    expect(progress.status).toBe(200);
    const wrong = await fetch(`${url}/api/worker/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${wrongWorkerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ownerId: user, type: 'job_run' }),
    });
    expect(wrong.status).toBe(401);

    await running.close();
    const text = lines.join('');
    const requests = lines
      .map((l) => JSON.parse(l) as { msg: string; path?: string })
      .filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(10);
    expect(requests.map((r) => r.path)).toContain('/api/events?…');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
