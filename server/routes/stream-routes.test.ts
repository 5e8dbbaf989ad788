import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

describe.each(backends)('GET /api/events (%s Redis)', (backend) => {
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
