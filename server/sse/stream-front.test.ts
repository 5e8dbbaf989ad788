import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/session-tokens';
import { startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

/**
 * The stream front (node:http, before Express) takes `/api/events` and `/api/tasks/:id/events`;
 * Express's stream routes answer the variants it leaves (a trailing slash). Both must answer alike.
 */
describe('stream front and Express stream routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock', { CORS_ORIGINS: 'http://app.example' });
  });
  afterAll(() => server.close());

  const answer = async (path: string, init: RequestInit = {}) => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}${path}`, { ...init, signal: controller.signal });
    const head = {
      status: res.status,
      type: res.headers.get('content-type'),
      allowOrigin: res.headers.get('access-control-allow-origin'),
      credentials: res.headers.get('access-control-allow-credentials'),
      vary: res.headers.get('vary'),
    };
    const body = res.status === 200 ? null : await res.text();
    controller.abort();
    return { ...head, code: body ? (JSON.parse(body) as { error: { code: string } }).error.code : null };
  };

  it('answers the same status, headers and error code on the front path and the Express path', async () => {
    const user = uniqueUser();
    const token = await server.tokenFor(user);
    const task = await server.services.tracker.create({ ownerId: user, type: 'seo_init' });
    const bearer = { authorization: `Bearer ${token}` };
    const cases: Array<[string, RequestInit]> = [
      ['/api/events', { headers: { ...bearer, origin: 'http://app.example' } }],
      ['/api/events', { headers: { origin: 'http://evil.example' } }],
      ['/api/events?token=abc', {}],
      ['/api/events?ticket=not-a-real-ticket', {}],
      ['/api/events', { method: 'HEAD', headers: bearer }],
      [`/api/tasks/${task.id}/events`, { method: 'HEAD', headers: bearer }],
      ['/api/tasks/t_doesnotexist0000/events', { headers: bearer }],
      ['/api/tasks/bad!id/events', { headers: bearer }],
    ];
    for (const [path, init] of cases) {
      const [base, query = ''] = path.split('?');
      const viaExpress = `${base}/${query ? `?${query}` : ''}`;
      expect(await answer(viaExpress, init), `${path} via Express`).toEqual(await answer(path, init));
    }
    expect(
      await answer('/api/events', { headers: { ...bearer, origin: 'http://app.example' } }),
    ).toMatchObject({
      status: 200,
      allowOrigin: 'http://app.example',
      credentials: 'true',
    });
    expect((await answer('/api/events?token=abc')).code).toBe('token-in-url');
    expect((await answer('/api/tasks/bad!id/events', { headers: bearer })).code).toBe('malformed-id');
    expect(server.services.streams.countFor(user)).toBe(0);
  });

  it('signs in by the session cookie among others, quoted or not, as cookie-parser reads it', async () => {
    const user = uniqueUser();
    const token = await server.tokenFor(user);
    for (const cookie of [`a=1; ${SESSION_COOKIE}=${token}; b=2`, `${SESSION_COOKIE}="${token}"`]) {
      const client = await SseClient.open(`${server.url}/api/events`, { headers: { cookie } });
      expect(client.status).toBe(200);
      expect((await client.next('connected')).json.userId).toBe(user);
      client.close();
    }
    const wrong = await answer('/api/events', { headers: { cookie: `${SESSION_COOKIE}=nope` } });
    expect([wrong.status, wrong.code]).toEqual([401, 'unauthorized']);
  });
});
