import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  sharedBackends,
  startTestServer,
  type TestServer,
  uniqueUser,
} from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

/**
 * One redis-server and the 3-master cluster; ioredis-mock only without redis-server (building
 * thousands of tasks on ioredis-mock takes its Lua seconds).
 */
const catchUpBackends: Backend[] = sharedBackends.length > 0 ? sharedBackends : ['mock'];

/**
 * Catch-up larger than MAX_STREAM_BUFFER_BYTES (1 MiB by default) used to be written in one tick,
 * counted in full against the slow-client bound and cut before a byte left, on every reconnect.
 */
describe.each(catchUpBackends)('catch-up over the slow-client bound (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { EVENT_LOG_SIZE: '5000', HEARTBEAT_MS: '300000' });
  });
  afterAll(() => server.close({ timeoutMs: 1000 }));

  it('delivers a snapshot of 5,000 active tasks in full to a fast client', { timeout: 60_000 }, async () => {
    const user = uniqueUser();
    const tracker = server.services.tracker;
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, () => tracker.create({ ownerId: user, type: 'seo_init', total: 10 })),
      );
    }
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    const snapshot = await client.next('snapshot', 20_000);
    const bytes = Buffer.byteLength(snapshot.data);
    process.stdout.write(`[catch-up] snapshot of ${snapshot.json.tasks.length} tasks, ${bytes} B\n`);
    expect(bytes).toBeGreaterThan(1024 * 1024);
    expect(snapshot.json.tasks).toHaveLength(5000);
    expect(client.ended).toBe(false);
    expect(server.services.streams.countFor(user)).toBe(1);
    client.close();
  });

  it('replays over 1 MiB of missed events to a client that reads', { timeout: 60_000 }, async () => {
    const user = uniqueUser();
    const tracker = server.services.tracker;
    const task = await tracker.create({ ownerId: user, type: 'po_processing', total: 1_000_000 });
    const cursor = (await server.api('/api/tasks', { as: user })).json.cursor as string;
    const row = 'r'.repeat(1000);
    const data = { a: row, b: row, c: row, d: row };
    for (let i = 1; i <= 300; i++) await tracker.update(task.id, { progress: { current: i }, data });

    const client = await SseClient.open(`${server.url}/api/events`, {
      token: await server.tokenFor(user),
      lastEventId: cursor,
    });
    await client.until(
      (evs) => evs.some((e) => e.json?.task?.version === 301),
      20_000,
      'the last replayed event',
    );
    const replayed = client.taskEvents;
    const bytes = replayed.reduce((n, e) => n + Buffer.byteLength(e.data), 0);
    process.stdout.write(`[catch-up] replay of ${replayed.length} events, ${bytes} B\n`);
    expect(bytes).toBeGreaterThan(1024 * 1024);
    expect(replayed.map((e) => e.json.task.version)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(client.named('reset', 'snapshot')).toEqual([]);

    // Live events after the replay still arrive, in order, behind it.
    await tracker.update(task.id, { progress: { current: 301 } });
    await client.until((evs) => evs.some((e) => e.json?.task?.version === 302), 5000, 'a live event');
    expect(client.ended).toBe(false);
    client.close();
  });
});
