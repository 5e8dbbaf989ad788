import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

describe('SSE response (compression trap)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock');
  });
  afterAll(() => server.close());

  it('delivers each event unencoded and at once when the client accepts gzip', async () => {
    const user = uniqueUser();
    const client = await SseClient.open(`${server.url}/api/events`, {
      token: await server.tokenFor(user),
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    await client.next('snapshot');
    const task = await server.services.tracker.create({ ownerId: user, type: 'seo_init' });
    // The stream stays open: the event must arrive without the response ending or a buffer filling.
    await client.until((evs) => evs.some((e) => e.json?.task?.id === task.id), 5000, 'the started event');
    expect(client.ended).toBe(false);
    client.close();
  });

  it('sends no-transform and no Content-Encoding so no proxy or middleware buffers the stream', async () => {
    const res = await fetch(`${server.url}/api/events`, {
      headers: { authorization: `Bearer ${await server.tokenFor(uniqueUser())}`, 'accept-encoding': 'gzip' },
    });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toContain('no-transform');
    await res.body?.cancel();
  });
});
