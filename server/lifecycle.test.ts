import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from './auth/session-tokens';
import {
  backends,
  sharedRedisServer,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  uniqueUser,
} from './test-support/harness';
import { hasRedisServer } from './test-support/redis-server';
import { ServerProcess } from './test-support/server-process';
import { SseClient } from './test-support/sse-client';
import { seededRandom, waitFor } from './test-support/stream-checks';

/** A raw HTTP/1.1 request on its own socket: exact control of when the client reads or goes. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Resolves with everything the socket received once `text` appears in it (or rejects at the deadline). */
function readUntil(socket: Socket, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms: ${got}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      got += chunk.toString();
      if (got.includes(text)) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
  });
}

async function health(server: TestServer) {
  return (await server.api('/api/health')).json as {
    connections: { active: number };
    connectionErrors: number;
  };
}

describe.each(backends)('stream lifecycle (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { MAX_STREAM_BUFFER_BYTES: '65536', MAX_STREAMS_PER_USER: '1000' });
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('notices a client that goes away via res close: the registry shrinks and the subscription ends', async () => {
    const user = uniqueUser();
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    await client.next('snapshot');
    expect(server.services.streams.countFor(user)).toBe(1);
    client.close();
    await waitFor(() => server.services.streams.countFor(user) === 0, 3000, 'the registry to drop the stream');
    await waitFor(() => server.services.bus.subscriptionCount === 0, 3000, 'the subscription to end');
  });

  it('does not leak a stream whose client left before the stream was opened', async () => {
    // The client goes while the route is still awaiting Redis: res 'close' fires before any
    // SseStream exists to hear it.
    const user = uniqueUser();
    const store = server.services.store;
    const realEpoch = store.epoch.bind(store);
    let entered = false;
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    store.epoch = async () => {
      entered = true;
      await gate;
      return realEpoch();
    };
    try {
      const socket = await rawGet(server.port, '/api/events', {
        authorization: `Bearer ${await server.tokenFor(user)}`,
      });
      socket.on("data", (d: Buffer) => console.log("GOT", d.toString().slice(0, 200)));
      await waitFor(() => entered, 3000, "the request to reach the route");
      const gone = new Promise((r) => socket.once('close', r));
      socket.destroy();
      await gone;
      await waitFor(
        async () => (await new Promise<number>((r) => server.server.getConnections((_e, n) => r(n)))) === 0,
        3000,
        'the server to see the socket close',
      );
    } finally {
      store.epoch = realEpoch;
      release();
    }
    await waitFor(() => server.services.streams.countFor(user) === 0, 3000, 'no stream left for the user');
    await waitFor(() => server.services.bus.subscriptionCount === 0, 3000, 'no subscription left');
  });

  it('cuts a client that stops reading, and server memory stays bounded', async () => {
    const user = uniqueUser();
    const tracker = server.services.tracker;
    const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 1_000_000 });
    const errorsBefore = (await health(server)).connectionErrors;
    const socket = await rawGet(server.port, '/api/events', {
      authorization: `Bearer ${await server.tokenFor(user)}`,
    });
    socket.pause(); // never read: the kernel buffers fill, then the server's
    await waitFor(() => server.services.streams.countFor(user) === 1, 3000, 'the stream to open');

    const payload = 'x'.repeat(1024);
    const rssBefore = process.memoryUsage().rss;
    let maxBuffered = 0;
    let written = 0;
    let cutAt = 0;
    // Up to 3,000 events of ~1.4 KB (4 MB); stop 200 events after the cut.
    for (let i = 1; i <= 3000 && (cutAt === 0 || i <= cutAt + 200); i++) {
      await tracker.update(task.id, { progress: { current: i }, data: { payload } });
      written++;
      maxBuffered = Math.max(maxBuffered, server.services.streams.bufferedBytes());
      if (cutAt === 0 && server.services.streams.countFor(user) === 0) cutAt = i;
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    process.stdout.write(
      `[slow client ${backend}] cut after ${cutAt} events (~${Math.round((cutAt * 1.45) / 1024)} MB sent ` +
        `into socket + kernel buffers), max server buffer ${maxBuffered} B, RSS growth ${Math.round(rssGrowth / 1048576)} MB\n`,
    );
    socket.destroy();
    expect(cutAt).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(65536 + 4096);
    await waitFor(() => server.services.streams.size === 0, 3000, 'the registry to be empty');
    const after = await health(server);
    expect(after.connectionErrors).toBe(errorsBefore + 1);
    expect(after.connections.active).toBe(0);
    // Generous: the point is that it does not grow with what the slow client missed (4 MB here).
    expect(rssGrowth).toBeLessThan(96 * 1024 * 1024);
    expect(written).toBeLessThanOrEqual(cutAt + 200);
  });

  it('returns to exactly 0 streams after 2,000 connect/disconnect cycles in batches of 50', async () => {
    const random = seededRandom(42);
    const users = Array.from({ length: 5 }, () => uniqueUser('churn'));
    const tokens = await Promise.all(users.map((u) => server.tokenFor(u)));
    const totalBefore = server.services.streams.stats().total;
    let cycles = 0;
    for (let batch = 0; batch < 40; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const token = tokens[i % tokens.length]!;
          const socket = await rawGet(server.port, '/api/events', { authorization: `Bearer ${token}` });
          const r = random();
          // Gone at once (before the route opens the stream), after the headers, or after the snapshot.
          if (r < 0.3) socket.destroy();
          else if (r < 0.6) await readUntil(socket, '\r\n\r\n').finally(() => socket.destroy());
          else await readUntil(socket, 'event: snapshot').finally(() => socket.destroy());
          cycles++;
        }),
      );
    }
    expect(cycles).toBe(2000);
    await waitFor(() => server.services.streams.size === 0, 5000, 'every stream to be gone');
    await waitFor(() => server.services.bus.subscriptionCount === 0, 5000, 'every subscription to be gone');
    const h = await health(server);
    expect(h.connections.active).toBe(0);
    expect(server.services.streams.stats().total - totalBefore).toBeGreaterThan(1000);
    for (const u of users) expect(server.services.streams.countFor(u)).toBe(0);
  });
});

describe.each(backends)('graceful shutdown (%s Redis)', (backend) => {
  it('sends every open stream a retry: of 500..5500 ms, ends it, and close() resolves within 10 s', async () => {
    const server = await startTestServer(backend);
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(uniqueUser()) });
        await c.next('snapshot');
        return c;
      }),
    );
    const perTask = await (async () => {
      const user = uniqueUser();
      const task = await server.services.tracker.create({ ownerId: user, type: 'po_processing' });
      const c = await SseClient.open(`${server.url}/api/tasks/${task.id}/events`, {
        token: await server.tokenFor(user),
      });
      await c.next('snapshot');
      return c;
    })();
    const started = Date.now();
    const closing = server.close();
    await Promise.all([...clients, perTask].map((c) => c.done));
    const endedAfter = Date.now() - started;
    await closing;
    const closedAfter = Date.now() - started;
    process.stdout.write(
      `[shutdown ${backend}] streams ended after ${endedAfter} ms, close() resolved after ${closedAfter} ms\n`,
    );
    expect(closedAfter).toBeLessThan(10_000);
    for (const c of [...clients, perTask]) {
      expect(c.ended).toBe(true);
      expect(c.retries[0]).toBe(1000);
      const last = c.retries.at(-1)!;
      expect(c.retries.length).toBe(2);
      expect(last).toBeGreaterThanOrEqual(500);
      expect(last).toBeLessThanOrEqual(5500);
    }
    expect(server.services.streams.size).toBe(0);
  });

  it('refuses a stream asked for on an open connection while draining (503), instead of leaving it open', async () => {
    const server = await startTestServer(backend);
    const token = await server.tokenFor(uniqueUser());
    // A connection made before close() whose request only arrives after it (a browser's spare socket).
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    await waitFor(
      async () => (await new Promise<number>((r) => server.server.getConnections((_e, n) => r(n)))) === 1,
      3000,
      'the server to accept the connection',
    );
    const closing = server.close();
    const started = Date.now();
    const answer = new Promise<string>((resolve) => {
      let got = '';
      socket.on('data', (c: Buffer) => {
        got += c.toString();
      });
      socket.once('close', () => resolve(got));
    });
    socket.write(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    const got = await answer;
    await closing;
    expect(got === '' || /^HTTP\/1\.1 503/.test(got), got.slice(0, 200)).toBe(true);
    expect(got).not.toContain('text/event-stream');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe.skipIf(!hasRedisServer)('process signals (real Redis)', () => {
  it('exits with code 0 within 10 s on SIGTERM while a stream is open, after telling it to retry', async () => {
    const redis = await sharedRedisServer();
    const proc = await ServerProcess.start({ REDIS_URL: redis.url });
    try {
      const token = await new SessionTokens(TEST_JWT_SECRET).sign(uniqueUser());
      const client = await SseClient.open(`${proc.url}/api/events`, { token });
      await client.next('snapshot');
      const started = Date.now();
      proc.kill('SIGTERM');
      const exit = await Promise.race([
        proc.exited,
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(10_000);
      await client.done;
      expect(client.retries.length).toBe(2);
      expect(client.retries[1]).toBeGreaterThanOrEqual(500);
      expect(client.retries[1]).toBeLessThanOrEqual(5500);
    } finally {
      await proc.stop();
    }
  });
});
