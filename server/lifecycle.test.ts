import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from './auth/session-tokens';
import {
  backends,
  backendsWithCluster,
  redisEnv,
  sharedBackends,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  uniqueUser,
} from './test-support/harness';
import { ServerProcess } from './test-support/server-process';
import { SseClient } from './test-support/sse-client';
import { seededRandom, waitFor } from './test-support/stream-checks';

/** A full GC before memory readings, so that garbage does not pass for growth. */
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A raw HTTP/1.1 request on its own socket: exact control of when the client reads or goes. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** Resolves with everything the socket received once `text` appears in it (or rejects at the deadline). */
function readUntil(socket: Socket, text: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${text}" within ${timeoutMs} ms: ${got}`)),
      timeoutMs,
    );
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

describe.each(backendsWithCluster)('stream lifecycle (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, {
      MAX_STREAM_BUFFER_BYTES: '65536',
      MAX_STREAMS_PER_USER: '1000',
    });
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('notices a client that goes away via res close: the registry shrinks and the subscription ends', async () => {
    const user = uniqueUser();
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    await client.next('snapshot');
    expect(server.services.streams.countFor(user)).toBe(1);
    client.close();
    await waitFor(
      () => server.services.streams.countFor(user) === 0,
      3000,
      'the registry to drop the stream',
    );
    await waitFor(() => server.services.bus.subscriptionCount === 0, 3000, 'the subscription to end');
  });

  it.each([
    ['/api/events', 'reading the snapshot'],
    ['/api/tasks/:id/events', 'reading the task'],
  ])('does not leak a stream of %s whose client left while the route was %s', async (route) => {
    // res 'close' fires while the route still awaits its opening read, before the response opened.
    const user = uniqueUser();
    const task = await server.services.tracker.create({ ownerId: user, type: 'po_processing' });
    const token = await server.tokenFor(user);
    const { store } = server.services;
    const realListJson = store.listJson.bind(store);
    const realTaskAt = store.taskAt.bind(store);
    let entered = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    if (route === '/api/events') {
      store.listJson = async (u: string, revocationKey?: string) => {
        entered = true;
        await gate;
        return realListJson(u, revocationKey);
      };
    } else {
      store.taskAt = async (u: string, id: string) => {
        entered = true;
        await gate;
        return realTaskAt(u, id);
      };
    }
    // The server side of this request's socket, to know when the server has seen it close.
    let serverSocketClosed: Promise<unknown> | null = null;
    const onRequest = (req: IncomingMessage) => {
      if (req.headers.authorization === `Bearer ${token}`)
        serverSocketClosed = req.socket.destroyed ? Promise.resolve() : once(req.socket, 'close');
    };
    server.server.on('request', onRequest);
    try {
      const socket = await rawGet(server.port, route.replace(':id', task.id), {
        authorization: `Bearer ${token}`,
      });
      await waitFor(() => entered, 3000, 'the request to reach the route');
      socket.destroy();
      await serverSocketClosed;
    } finally {
      server.server.off('request', onRequest);
      store.listJson = realListJson;
      store.taskAt = realTaskAt;
      release();
    }
    await waitFor(() => server.services.streams.countFor(user) === 0, 3000, 'no stream left for the user');
    await waitFor(() => server.services.bus.subscriptionCount === 0, 3000, 'no subscription left');
  });

  // The stream layer is the same on both backends; ioredis-mock's Lua takes ~5-10 ms per 1.4 KB
  // update, and the kernel takes 2-4 MB into its socket buffers before the server's buffer fills,
  // so this runs on the mock only when there is no real redis-server.
  it.skipIf(backend === 'mock' && backends.includes('real'))(
    'cuts a client that stops reading, and server memory stays bounded',
    { timeout: 60_000 },
    async () => {
      const user = uniqueUser();
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 1_000_000 });
      const errorsBefore = (await health(server)).connectionErrors;
      const socket = await rawGet(server.port, '/api/events', {
        authorization: `Bearer ${await server.tokenFor(user)}`,
      });
      socket.pause(); // never read: the kernel buffers fill, then the server's
      await waitFor(() => server.services.streams.countFor(user) === 1, 3000, 'the stream to open');

      // Four 1 KB strings: ~4.5 KB events, so that the 2-4 MB the kernel takes fills in ~900 events.
      const kb = 'x'.repeat(1024);
      const data = { a: kb, b: kb, c: kb, d: kb };
      // Socket write queues hold Buffers, which count as `external`, not heap.
      const memory = () => {
        gc();
        gc();
        const m = process.memoryUsage();
        return { heap: m.heapUsed + m.external, rss: m.rss };
      };
      let before = memory();
      let maxBuffered = 0;
      let written = 0;
      let cutAt = 0;
      // Up to 3,000 events (13 MB); stop 1,000 events (4.5 MB the client misses) after the cut.
      for (let i = 1; i <= 3000 && (cutAt === 0 || i <= cutAt + 1000); i++) {
        await tracker.update(task.id, { progress: { current: i }, data });
        written++;
        if (i === 200) before = memory(); // after warm-up (JIT, connection buffers)
        maxBuffered = Math.max(maxBuffered, server.services.streams.bufferedBytes());
        if (cutAt === 0 && server.services.streams.countFor(user) === 0) cutAt = i;
        // Let the socket flush to the kernel now and then (ioredis-mock never yields by itself).
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      const end = memory();
      const heapGrowth = end.heap - before.heap;
      const rssGrowth = end.rss - before.rss;
      const mb = (n: number) => (n / 1048576).toFixed(1);
      process.stdout.write(
        `[slow client ${backend}] cut after ${cutAt} events (${mb(cutAt * 4600)} MB written; the rest sat in ` +
          `kernel socket buffers), max server-side buffer ${maxBuffered} B, heap + external growth ${mb(heapGrowth)} MB, ` +
          `RSS growth ${mb(rssGrowth)} MB over ${written} events\n`,
      );
      socket.destroy();
      expect(cutAt).toBeGreaterThan(0);
      expect(written).toBe(Math.min(3000, cutAt + 1000));
      // The limit plus at most one frame (and a heartbeat) before the write that crosses it.
      expect(maxBuffered).toBeLessThanOrEqual(65536 + 4096);
      await waitFor(() => server.services.streams.size === 0, 3000, 'the registry to be empty');
      const after = await health(server);
      expect(after.connectionErrors).toBe(errorsBefore + 1);
      expect(after.connections.active).toBe(0);
      // Nothing of what the client missed is kept: memory does not grow by the 4.5 MB it missed.
      expect(heapGrowth).toBeLessThan(3 * 1024 * 1024);
    },
  );

  it('returns to exactly 0 streams after 2,000 connect/disconnect cycles in batches of 50', {
    timeout: 60_000,
  }, async () => {
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

describe.each(backendsWithCluster)('graceful shutdown (%s Redis)', (backend) => {
  it('sends every open stream a retry: of 500..5500 ms, ends it, and close() resolves within 10 s', async () => {
    const server = await startTestServer(backend);
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = await SseClient.open(`${server.url}/api/events`, {
          token: await server.tokenFor(uniqueUser()),
        });
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
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    const got = await answer;
    await closing;
    expect(got === '' || /^HTTP\/1\.1 503/.test(got), got.slice(0, 200)).toBe(true);
    expect(got).not.toContain('text/event-stream');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe.each(sharedBackends)('process signals (%s Redis)', (backend) => {
  it('exits with code 0 within 10 s on SIGTERM while a stream is open, after telling it to retry', {
    timeout: 90_000,
  }, async () => {
    const proc = await ServerProcess.start(await redisEnv(backend));
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
