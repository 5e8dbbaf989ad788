import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';
import { waitFor } from '../test-support/stream-checks';

describe.each(backendsWithCluster)('GET /api/events (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  it('streams connected, snapshot, then every event of a task in order when a task runs', async () => {
    const user = uniqueUser();
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    await client.next('snapshot');
    const created = await server.api('/api/tasks', { as: user, body: { type: 'rebuild_communities' } });
    expect(created.status).toBe(202);
    await client.next('completed');
    client.close();
    const names = client.events.map((e) => e.event);
    expect(names.slice(0, 2)).toEqual(['connected', 'snapshot']);
    const versions = client.taskEvents.map((e) => e.json.task.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(client.taskEvents.at(-1)?.json.task.result).toEqual({ communities_count: 12, edges_count: 348 });
  });

  it('replays exactly the missed events and no snapshot when Last-Event-ID is sent', async () => {
    const user = uniqueUser();
    const token = await server.tokenFor(user);
    const tracker = server.services.tracker;
    const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 1000 });
    const first = await SseClient.open(`${server.url}/api/events`, { token });
    await first.until((evs) => evs.some((e) => e.event === 'snapshot'));
    await tracker.update(task.id, { progress: { current: 1 } });
    await first.next('progress');
    const resumeFrom = first.lastEventId!;
    first.close();
    for (let i = 2; i <= 201; i++) await tracker.update(task.id, { progress: { current: i } });

    const second = await SseClient.open(`${server.url}/api/events`, { token, lastEventId: resumeFrom });
    await second.until((evs) => evs.filter((e) => e.event === 'progress').length >= 200);
    second.close();
    expect(second.named('snapshot', 'reset')).toEqual([]);
    expect(second.taskEvents.map((e) => e.json.task.progress.current)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 2),
    );
  });
});

const taskEventNames = ['started', 'progress', 'completed', 'failed', 'cancelled'];

/** Opens a stream, waits for its snapshot, and closes it; returns every event and the status. */
async function snapshotOf(url: string, token: string, lastEventId?: string): Promise<SseClient> {
  const client = await SseClient.open(url, { token, lastEventId });
  expect(client.status).toBe(200);
  await client.next('snapshot');
  client.close();
  return client;
}

/** The event names before the first task event, e.g. ['connected', 'reset', 'snapshot']. */
function preamble(client: SseClient): string[] {
  const names = client.events.map((e) => e.event);
  const first = names.findIndex((n) => taskEventNames.includes(n));
  return first === -1 ? names : names.slice(0, first);
}

describe.each(backendsWithCluster)('stream contract (%s Redis)', (backend) => {
  let server: TestServer;
  /** EVENT_LOG_SIZE=10, HEARTBEAT_MS=200, MAX_STREAMS_PER_USER=2. */
  let tight: TestServer;
  beforeAll(async () => {
    [server, tight] = await Promise.all([
      startTestServer(backend),
      startTestServer(backend, {
        EVENT_LOG_SIZE: '10',
        HEARTBEAT_MS: '200',
        MAX_STREAMS_PER_USER: '2',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server.close({ timeoutMs: 1000 }), tight.close({ timeoutMs: 1000 })]);
  });

  describe('Last-Event-ID', () => {
    it('sends reset then a snapshot equal to GET /api/tasks when the id is past the log window', async () => {
      const user = uniqueUser();
      const token = await tight.tokenFor(user);
      const tracker = tight.services.tracker;
      const running = await tracker.create({ ownerId: user, type: 'po_processing', total: 1000 });
      const done = await tracker.create({ ownerId: user, type: 'test_run' });
      await tracker.complete(done.id);
      const first = await SseClient.open(`${tight.url}/api/events`, { token });
      await first.next('snapshot');
      await tracker.update(running.id, { progress: { current: 1 } });
      await first.next('progress');
      const resumeFrom = first.lastEventId!;
      first.close();
      for (let i = 2; i <= 51; i++) await tracker.update(running.id, { progress: { current: i } });

      const second = await snapshotOf(`${tight.url}/api/events`, token, resumeFrom);
      expect(preamble(second)).toEqual(['connected', 'reset', 'snapshot']);
      expect(second.named('reset')[0]?.json.reason).toMatch(/no longer retained/);
      const list = await tight.api('/api/tasks', { as: user });
      expect(second.named('snapshot')[0]?.json.tasks).toEqual(list.json.tasks);
      expect(list.json.tasks.find((t: { id: string }) => t.id === running.id).progress.current).toBe(51);
    });

    it('answers garbage, foreign and out-of-range ids with a snapshot, never a 500 or a wrong replay', async () => {
      const other = uniqueUser('other');
      const otherTask = await server.services.tracker.create({ ownerId: other, type: 'po_processing' });
      for (let i = 1; i <= 30; i++)
        await server.services.tracker.update(otherTask.id, { progress: { current: i } });
      const otherHead = (await server.api('/api/tasks', { as: other })).json.cursor as string;

      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const mine = await server.services.tracker.create({ ownerId: user, type: 'po_processing' });
      for (let i = 1; i <= 5; i++)
        await server.services.tracker.update(mine.id, { progress: { current: i } });
      const cursor = (await server.api('/api/tasks', { as: user })).json.cursor as string;
      const [epoch, head] = cursor.split('.') as [string, string];
      const garbage: Record<string, string> = {
        letters: 'abc',
        negative: '-1',
        '4 KiB of digits': '7'.repeat(4096),
        'another epoch': `${Number(epoch) - 1000}.3`,
        'ahead of the head': `${epoch}.${Number(head) + 1000}`,
        "another user's id (beyond my head)": otherHead,
        empty: '',
        'two dots': `${epoch}.1.2`,
        'unsafe seq': `${epoch}.999999999999999`,
      };
      for (const [what, lastEventId] of Object.entries(garbage)) {
        const client = await snapshotOf(`${server.url}/api/events`, token, lastEventId);
        const names = preamble(client);
        expect(
          names.join(',') === 'connected,reset,snapshot' || names.join(',') === 'connected,snapshot',
          `${what}: ${names.join(',')}`,
        ).toBe(true);
        const tasks = client.named('snapshot')[0]?.json.tasks as Array<{ id: string; ownerId: string }>;
        expect(
          tasks.map((t) => t.id),
          what,
        ).toEqual([mine.id]);
        expect(client.taskEvents, what).toEqual([]);
      }
      // The same garbage on the query string.
      const viaQuery = await SseClient.open(`${server.url}/api/events?lastEventId=abc`, { token });
      await viaQuery.next('snapshot');
      viaQuery.close();
      expect(preamble(viaQuery)).toEqual(['connected', 'reset', 'snapshot']);
    });

    it("replays only the user's own events when another user's id falls inside the user's log", async () => {
      const other = uniqueUser('other');
      const otherTask = await server.services.tracker.create({ ownerId: other, type: 'po_processing' });
      const otherId = (await server.api('/api/tasks', { as: other })).json.cursor as string;
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const mine = await server.services.tracker.create({ ownerId: user, type: 'po_processing' });
      for (let i = 1; i <= 3; i++)
        await server.services.tracker.update(mine.id, { progress: { current: i } });
      const client = await SseClient.open(`${server.url}/api/events`, { token, lastEventId: otherId });
      await client.until((evs) => evs.some((e) => e.event === 'snapshot' || e.json?.task?.version === 4));
      client.close();
      const seen = client.events.flatMap((e) => (e.json?.task ? [e.json.task] : (e.json?.tasks ?? [])));
      expect(seen.length).toBeGreaterThan(0);
      for (const t of seen) expect(t.ownerId).toBe(user);
      expect(seen.some((t: { id: string }) => t.id === otherTask.id)).toBe(false);
    });

    it('takes ?lastEventId= like the header', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 100 });
      const cursor = (await server.api('/api/tasks', { as: user })).json.cursor as string;
      for (let i = 1; i <= 10; i++) await tracker.update(task.id, { progress: { current: i } });
      const client = await SseClient.open(
        `${server.url}/api/events?lastEventId=${encodeURIComponent(cursor)}`,
        {
          token,
        },
      );
      await client.until((evs) => evs.filter((e) => e.event === 'progress').length >= 10);
      client.close();
      expect(client.named('snapshot', 'reset')).toEqual([]);
      expect(client.taskEvents.map((e) => e.json.task.progress.current)).toEqual(
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      // The header wins over the query string when both are sent (a browser's automatic reconnect).
      const both = await SseClient.open(`${server.url}/api/events?lastEventId=abc`, {
        token,
        lastEventId: client.lastEventId,
      });
      await tracker.update(task.id, { progress: { current: 11 } });
      await both.next('progress');
      both.close();
      expect(both.named('snapshot', 'reset')).toEqual([]);
      expect(both.taskEvents.map((e) => e.json.task.progress.current)).toEqual([11]);
    });

    it('replays from a valid ?lastEventId= when the Last-Event-ID header is malformed', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 100 });
      const cursor = (await server.api('/api/tasks', { as: user })).json.cursor as string;
      for (let i = 1; i <= 3; i++) await tracker.update(task.id, { progress: { current: i } });
      const client = await SseClient.open(
        `${server.url}/api/events?lastEventId=${encodeURIComponent(cursor)}`,
        { token, lastEventId: 'not-an-id' },
      );
      await client.until((evs) => evs.filter((e) => e.event === 'progress').length >= 3);
      client.close();
      expect(client.named('snapshot', 'reset')).toEqual([]);
      expect(client.taskEvents.map((e) => e.json.task.progress.current)).toEqual([1, 2, 3]);
    });
  });

  describe('GET /api/tasks/:id/events', () => {
    const taskUrl = (id: string) => `${server.url}/api/tasks/${id}/events`;

    it('ends the response after the terminal event', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 10 });
      const noise = await tracker.create({ ownerId: user, type: 'test_run' });
      const client = await SseClient.open(taskUrl(task.id), { token });
      await client.next('snapshot');
      for (let i = 1; i <= 3; i++) {
        await tracker.update(task.id, { progress: { current: i } });
        await tracker.update(noise.id, { progress: { current: i } });
      }
      await tracker.complete(task.id);
      await client.done;
      expect(client.ended).toBe(true);
      expect(client.events.map((e) => e.event)).toEqual([
        'connected',
        'snapshot',
        'progress',
        'progress',
        'progress',
        'completed',
      ]);
      expect(client.taskEvents.every((e) => e.json.task.id === task.id)).toBe(true);
    });

    it('sends the final event and ends for a finished task; a reconnect after the end gets 204', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'test_run' });
      await tracker.fail(task.id, 'boom');
      const client = await SseClient.open(taskUrl(task.id), { token });
      await client.done;
      expect(client.status).toBe(200);
      const last = client.events.at(-1);
      expect(last?.event).toBe('failed');
      expect(last?.json.task.error).toBe('boom');
      expect(last?.id).toMatch(/^\d+\.\d+$/);

      const again = await fetch(taskUrl(task.id), {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': last!.id! },
      });
      expect(again.status).toBe(204);
      // Also when many other events of the user came after it (no log replay needed to know).
      const other = await tracker.create({ ownerId: user, type: 'po_processing' });
      for (let i = 1; i <= 5; i++) await tracker.update(other.id, { progress: { current: i } });
      const later = await fetch(taskUrl(task.id), {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': last!.id! },
      });
      expect(later.status).toBe(204);
    });

    it('gives 204 for the final id even when the log no longer covers it', async () => {
      const user = uniqueUser();
      const token = await tight.tokenFor(user);
      const tracker = tight.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'test_run' });
      await tracker.complete(task.id);
      const finalId = (await tight.api('/api/tasks', { as: user })).json.cursor as string;
      const other = await tracker.create({ ownerId: user, type: 'po_processing' });
      for (let i = 1; i <= 30; i++) await tracker.update(other.id, { progress: { current: i } });
      const res = await fetch(`${tight.url}/api/tasks/${task.id}/events`, {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': finalId },
      });
      await res.body?.cancel();
      // Anything but 204 makes EventSource reconnect with the same id, for ever.
      expect(res.status).toBe(204);
    });

    it('replays the rest of a task, terminal event included, to a reconnect from mid-task after it finished', async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const tracker = server.services.tracker;
      const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 10 });
      const client = await SseClient.open(taskUrl(task.id), { token });
      await client.next('snapshot');
      await tracker.update(task.id, { progress: { current: 1 } });
      await client.next('progress');
      const mid = client.lastEventId!;
      client.close();
      for (let i = 2; i <= 4; i++) await tracker.update(task.id, { progress: { current: i } });
      await tracker.complete(task.id);

      const resumed = await SseClient.open(taskUrl(task.id), { token, lastEventId: mid });
      await resumed.done;
      expect(resumed.events.map((e) => e.event)).toEqual([
        'connected',
        'progress',
        'progress',
        'progress',
        'completed',
      ]);
      expect(resumed.taskEvents.map((e) => e.json.task.version)).toEqual([3, 4, 5, 6]);
    });

    it("answers 404 for an unknown or another user's task, 400 for a malformed id", async () => {
      const user = uniqueUser();
      const token = await server.tokenFor(user);
      const foreign = await server.services.tracker.create({
        ownerId: uniqueUser('other'),
        type: 'test_run',
      });
      for (const id of ['t_AAAAAAAAAAAAAAAAAAAAAAAA', foreign.id]) {
        const res = await fetch(taskUrl(id), { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: { code: 'not-found', message: 'task not found' } });
      }
      const malformed = await fetch(taskUrl('..%2F..%2Fetc'), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(malformed.status).toBe(400);
      expect(server.services.streams.countFor(user)).toBe(0);
    });
  });

  describe('connection', () => {
    it('sends heartbeat as a named event', async () => {
      const client = await SseClient.open(`${tight.url}/api/events`, {
        token: await tight.tokenFor(uniqueUser()),
      });
      const beat = await client.next('heartbeat', 3000);
      client.close();
      expect(beat.id).toBeUndefined();
      expect(Number.isNaN(Date.parse(beat.json.serverTime))).toBe(false);
      expect(client.events[0]?.json.heartbeatMs).toBe(200);
    });

    it('sends auth-expired before closing the stream when the token expires', async () => {
      const user = uniqueUser();
      const client = await SseClient.open(`${server.url}/api/events`, {
        token: await server.tokenFor(user, 2),
      });
      await client.next('snapshot');
      const opened = Date.now();
      await client.done;
      expect(Date.now() - opened).toBeLessThan(3500);
      expect(client.events.at(-1)?.event).toBe('auth-expired');
      expect(client.events.at(-1)?.json).toEqual({});
      await waitFor(() => server.services.streams.countFor(user) === 0, 2000, 'stream removed');
    });

    it('refuses a third stream with 429 and JSON when MAX_STREAMS_PER_USER=2, and accepts one after a close', async () => {
      const user = uniqueUser();
      const token = await tight.tokenFor(user);
      const a = await SseClient.open(`${tight.url}/api/events`, { token });
      const b = await SseClient.open(`${tight.url}/api/events`, { token });
      await Promise.all([a.next('snapshot'), b.next('snapshot')]);
      const third = await fetch(`${tight.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
      expect(third.status).toBe(429);
      expect(third.headers.get('content-type')).toMatch(/application\/json/);
      expect(third.headers.get('retry-after')).toBe('5');
      expect((await third.json()).error.code).toBe('too-many-streams');
      // Another user is not affected.
      const other = await SseClient.open(`${tight.url}/api/events`, {
        token: await tight.tokenFor(uniqueUser()),
      });
      expect(other.status).toBe(200);
      other.close();

      a.close();
      await waitFor(
        () => tight.services.streams.countFor(user) === 1,
        5000,
        'the closed stream to be noticed',
      );
      const c = await SseClient.open(`${tight.url}/api/events`, { token });
      expect(c.status).toBe(200);
      await c.next('snapshot');
      c.close();
      b.close();
    });

    it('sends a retry: line and the SSE headers', async () => {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/api/events`, {
        headers: { authorization: `Bearer ${await server.tokenFor(uniqueUser())}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const cacheControl = (res.headers.get('cache-control') ?? '').split(',').map((s) => s.trim());
      expect(cacheControl).toEqual(expect.arrayContaining(['no-cache', 'no-transform']));
      expect(res.headers.get('x-accel-buffering')).toBe('no');
      expect(res.headers.get('content-encoding')).toBeNull();
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      expect(first).toMatch(/^retry: 1000\n\n/);

      const client = await SseClient.open(`${server.url}/api/events`, {
        token: await server.tokenFor(uniqueUser()),
      });
      await client.next('connected');
      client.close();
      expect(client.retries).toEqual([1000]);
    });

    it('answers HEAD on both stream routes with the stream headers and ends, holding no stream slot', async () => {
      const user = uniqueUser();
      const token = await tight.tokenFor(user);
      const task = await tight.services.tracker.create({ ownerId: user, type: 'seo_init' });
      const head = (path: string) =>
        fetch(`${tight.url}${path}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 4; i++) {
        const [all, one] = await Promise.all([head('/api/events'), head(`/api/tasks/${task.id}/events`)]);
        expect([all.status, one.status]).toEqual([200, 200]);
        expect(all.headers.get('content-type')).toMatch(/^text\/event-stream/);
      }
      expect((await head('/api/tasks/t_doesnotexist0000/events')).status).toBe(404);
      expect(tight.services.streams.countFor(user)).toBe(0);
      const real = await SseClient.open(`${tight.url}/api/events`, { token });
      expect(real.status).toBe(200);
      await real.next('snapshot');
      real.close();
    });
  });
});
