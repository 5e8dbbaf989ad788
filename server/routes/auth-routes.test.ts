import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/session-tokens';
import {
  backendsWithCluster,
  sharedBackends,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  uniqueUser,
} from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

/** `name=value` of the session cookie a response sets, or null. */
function sessionCookieOf(headers: Headers): string | null {
  const set = headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return set ? set.split(';')[0]! : null;
}

async function login(server: TestServer, username = 'alice', password = 'demo') {
  const res = await server.api('/api/auth/login', { body: { username, password } });
  return { res, cookie: sessionCookieOf(res.headers) };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe.each(backendsWithCluster)('auth routes (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  describe('POST /api/auth/login', () => {
    it('sets an httpOnly SameSite=Lax session cookie and returns the user when the password is right', async () => {
      const { res, cookie } = await login(server);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ user: { id: 'alice', name: 'alice' } });
      const set = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(set).toBeDefined();
      expect(set).toMatch(/;\s*HttpOnly/i);
      expect(set).toMatch(/;\s*SameSite=Lax/i);
      expect(set).toMatch(/;\s*Path=\//i);
      expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    });

    it('answers 401 and sets no cookie when the password is wrong', async () => {
      const { res, cookie } = await login(server, 'alice', 'wrong');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('invalid-credentials');
      expect(cookie).toBeNull();
    });

    it('answers the same 401 when the user does not exist', async () => {
      const unknown = await login(server, 'mallory', 'demo');
      const wrong = await login(server, 'alice', 'nope');
      expect(unknown.res.status).toBe(401);
      expect(unknown.res.json).toEqual(wrong.res.json);
    });

    it('answers 400 when the body is not a username and password', async () => {
      const res = await server.api('/api/auth/login', { body: { username: 'alice' } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toEqual(expect.any(String));
    });

    it('answers 403 when the request names a foreign Origin', async () => {
      const res = await server.api('/api/auth/login', {
        body: { username: 'alice', password: 'demo' },
        headers: { origin: 'http://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(sessionCookieOf(res.headers)).toBeNull();
    });
  });

  describe('GET /api/auth/me', () => {
    it('returns the user when the session cookie is sent', async () => {
      const { cookie } = await login(server, 'bob');
      const res = await server.api('/api/auth/me', { headers: { cookie: cookie! } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ user: { id: 'bob', name: 'bob' } });
    });

    it('returns the user when a bearer token is sent', async () => {
      const user = uniqueUser();
      const res = await server.api('/api/auth/me', { as: user });
      expect(res.status).toBe(200);
      expect(res.json.user.id).toBe(user);
    });

    it('answers 401 when no credentials are sent', async () => {
      const res = await server.api('/api/auth/me');
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });
  });

  describe('GET /api/auth/options', () => {
    it('names the demo users and says sign-up is on, with no credentials', async () => {
      const res = await server.api('/api/auth/options');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ demoUsers: ['alice', 'bob'], signup: true });
    });

    it('never names a user whose password is not the public "demo", and none in production', async () => {
      const custom = await startTestServer(backend, {
        DEV_USERS: 'carol:s3cret-pass,dave:demo',
        ALLOW_SIGNUP: 'false',
      });
      const production = await startTestServer(backend, { NODE_ENV: 'production' });
      try {
        expect((await custom.api('/api/auth/options')).json).toEqual({ demoUsers: ['dave'], signup: false });
        expect((await production.api('/api/auth/options')).json).toEqual({ demoUsers: [], signup: false });
      } finally {
        await custom.close();
        await production.close();
      }
    });
  });

  describe('POST /api/auth/logout', () => {
    it('clears the session cookie', async () => {
      const { cookie } = await login(server);
      const res = await server.api('/api/auth/logout', { method: 'POST', headers: { cookie: cookie! } });
      expect(res.status).toBe(204);
      const cleared = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
      expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    });
  });

  describe('POST /api/auth/logout revokes the session', () => {
    it('answers 401 on /api/auth/me and the streams when the signed-out cookie is sent again', async () => {
      const { cookie } = await login(server, 'bob');
      const task = await server.services.tracker.create({ ownerId: 'bob', type: 'seo_init' });
      const logout = await server.api('/api/auth/logout', { method: 'POST', headers: { cookie: cookie! } });
      expect(logout.status).toBe(204);
      for (const path of ['/api/auth/me', '/api/events', `/api/tasks/${task.id}/events`, '/api/tasks']) {
        const res = await server.api(path, { headers: { cookie: cookie! } });
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
      // A stream checks the session in its opening read, whichever read that is: replay, or none (HEAD).
      const { cursor } = (await server.api('/api/tasks', { as: 'bob' })).json as { cursor: string };
      const resuming = await server.api('/api/events', {
        headers: { cookie: cookie!, 'last-event-id': cursor },
      });
      expect(resuming.status).toBe(401);
      for (const path of ['/api/events', `/api/tasks/${task.id}/events`]) {
        const res = await server.api(path, { method: 'HEAD', headers: { cookie: cookie! } });
        expect({ path, head: res.status }).toEqual({ path, head: 401 });
      }
      await server.services.tracker.cancel(task.id);
    });

    it('answers 401 when a signed-out bearer token is sent again', async () => {
      const bearer = { authorization: `Bearer ${await server.tokenFor(uniqueUser())}` };
      expect((await server.api('/api/auth/me', { headers: bearer })).status).toBe(200);
      await server.api('/api/auth/logout', { method: 'POST', headers: bearer });
      expect((await server.api('/api/auth/me', { headers: bearer })).status).toBe(401);
      expect((await server.api('/api/events', { headers: bearer })).status).toBe(401);
    });

    it('keeps other sessions of the same user signed in', async () => {
      const first = await login(server, 'alice');
      const second = await login(server, 'alice');
      expect(second.cookie).not.toBe(first.cookie);
      await server.api('/api/auth/logout', { method: 'POST', headers: { cookie: first.cookie! } });
      const res = await server.api('/api/auth/me', { headers: { cookie: second.cookie! } });
      expect(res.status).toBe(200);
    });

    it('answers 204 when no one is signed in', async () => {
      const res = await server.api('/api/auth/logout', { method: 'POST' });
      expect(res.status).toBe(204);
    });
  });

  describe('tokens', () => {
    it.each(['/api/tasks', '/api/events', '/api/auth/me'])(
      'answers 401 token-in-url when a valid JWT is passed as ?token= to %s',
      async (path) => {
        const token = await server.tokenFor(uniqueUser());
        const res = await server.api(`${path}?token=${token}`);
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('token-in-url');
      },
    );

    it('answers 401 when the token has expired', async () => {
      const token = await server.tokenFor(uniqueUser(), -60);
      const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      const stream = await server.api('/api/events', { headers: { authorization: `Bearer ${token}` } });
      expect(stream.status).toBe(401);
    });

    it('answers 401 when the token is garbage', async () => {
      for (const token of ['garbage', 'a.b.c', `${'x'.repeat(5000)}`]) {
        const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(401);
      }
    });

    it('answers 401 when the token says alg none', async () => {
      const header = base64url({ alg: 'none', typ: 'JWT' });
      const payload = base64url({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 600 });
      const token = `${header}.${payload}.`;
      const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      const viaCookie = await server.api('/api/tasks', { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
      expect(viaCookie.status).toBe(401);
    });

    it('answers 401 when a correctly signed token has no expiry', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(uniqueUser())
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    });

    it('answers 401 when a correctly signed token names a malformed user', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice:*')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    });

    it('answers 401 when the token is signed with another secret', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(`${TEST_JWT_SECRET}-but-another-one`));
      const res = await server.api('/api/tasks', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    });
  });

  describe('POST /api/auth/sse-ticket', () => {
    it('opens the stream once and answers 401 when the ticket is used a second time', async () => {
      const user = uniqueUser();
      const issued = await server.api('/api/auth/sse-ticket', { method: 'POST', as: user });
      expect(issued.status).toBe(200);
      expect(issued.json).toEqual({ ticket: expect.any(String), expiresInS: 60 });
      const url = `${server.url}/api/events?ticket=${encodeURIComponent(issued.json.ticket)}`;

      const first = await SseClient.open(url);
      expect(first.status).toBe(200);
      const connected = await first.next('connected');
      first.close();
      expect(connected.json.userId).toBe(user);

      const second = await server.api(`/api/events?ticket=${encodeURIComponent(issued.json.ticket)}`);
      expect(second.status).toBe(401);
      expect(second.json.error.code).toBe('invalid-ticket');
    });

    it('answers 401 when the ticket is unknown', async () => {
      const res = await server.api(`/api/events?ticket=${'A'.repeat(32)}`);
      expect(res.status).toBe(401);
    });

    it('answers 401 when no one is signed in', async () => {
      const res = await server.api('/api/auth/sse-ticket', { method: 'POST' });
      expect(res.status).toBe(401);
    });

    it('is not accepted by non-stream routes', async () => {
      const issued = await server.api('/api/auth/sse-ticket', { method: 'POST', as: uniqueUser() });
      const res = await server.api(`/api/tasks?ticket=${encodeURIComponent(issued.json.ticket)}`);
      expect(res.status).toBe(401);
    });
  });

  describe('CSRF origin check on POST /api/tasks', () => {
    it('answers 403 and creates no task when a cookie request names a foreign Origin', async () => {
      const { cookie } = await login(server, 'alice');
      const before = await server.api('/api/tasks', { headers: { cookie: cookie! } });
      const res = await server.api('/api/tasks', {
        body: { type: 'seo_init' },
        headers: { cookie: cookie!, origin: 'http://evil.example' },
      });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('forbidden-origin');
      const after = await server.api('/api/tasks', { headers: { cookie: cookie! } });
      expect(after.json.cursor).toBe(before.json.cursor);
      expect(after.json.tasks.map((t: { id: string }) => t.id)).toEqual(
        before.json.tasks.map((t: { id: string }) => t.id),
      );
    });

    it('answers 403 when a cookie request sends Origin null', async () => {
      const { cookie } = await login(server, 'alice');
      const res = await server.api('/api/tasks', {
        body: { type: 'seo_init' },
        headers: { cookie: cookie!, origin: 'null' },
      });
      expect(res.status).toBe(403);
    });

    it('answers 403 when a cookie cancel names a foreign Origin and leaves the task running', async () => {
      const { cookie } = await login(server, 'alice');
      const task = await server.services.tracker.create({ ownerId: 'alice', type: 'seo_init' });
      const res = await server.api(`/api/tasks/${task.id}/cancel`, {
        method: 'POST',
        headers: { cookie: cookie!, origin: 'http://evil.example' },
      });
      expect(res.status).toBe(403);
      expect((await server.services.tracker.get(task.id))?.status).toBe('running');
      await server.services.tracker.cancel(task.id);
    });

    it('accepts a cookie request when it sends no Origin', async () => {
      const { cookie } = await login(server, 'alice');
      const res = await server.api('/api/tasks', {
        body: { type: 'seo_init' },
        headers: { cookie: cookie! },
      });
      expect(res.status).toBe(202);
      expect(res.json.task.ownerId).toBe('alice');
      await server.api(`/api/tasks/${res.json.task.id}/cancel`, {
        method: 'POST',
        headers: { cookie: cookie! },
      });
    });

    it('accepts a cookie request when its Origin is the server itself', async () => {
      const { cookie } = await login(server, 'alice');
      const res = await server.api('/api/tasks', {
        body: { type: 'seo_init' },
        headers: { cookie: cookie!, origin: server.url },
      });
      expect(res.status).toBe(202);
      await server.api(`/api/tasks/${res.json.task.id}/cancel`, {
        method: 'POST',
        headers: { cookie: cookie! },
      });
    });
  });
});

describe.each(sharedBackends)('POST /api/auth/logout across processes (%s Redis)', (backend) => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer(backend);
    second = await startTestServer(backend);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('answers 401 on another process when the session was signed out on one', async () => {
    const { cookie } = await login(first, 'bob');
    expect((await second.api('/api/auth/me', { headers: { cookie: cookie! } })).status).toBe(200);
    await first.api('/api/auth/logout', { method: 'POST', headers: { cookie: cookie! } });
    expect((await second.api('/api/auth/me', { headers: { cookie: cookie! } })).status).toBe(401);
  });
});

describe('POST /api/auth/login rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock', { LOGIN_RATE_LIMIT: '3' });
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After when a client signs in more often than the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await login(server, 'alice', 'wrong')).res.status);
    expect(statuses).toEqual([401, 401, 401]);
    const { res, cookie } = await login(server, 'alice', 'demo');
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('rate-limited');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(cookie).toBeNull();
  });
});

describe('POST /api/auth/login rate limit behind proxies (TRUST_PROXY)', () => {
  let direct: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    direct = await startTestServer('mock', { LOGIN_RATE_LIMIT: '2' });
    proxied = await startTestServer('mock', { LOGIN_RATE_LIMIT: '2', TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  const loginFrom = (server: TestServer, forwardedFor: string) =>
    server.api('/api/auth/login', {
      body: { username: 'alice', password: 'wrong' },
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('counts the socket address and answers 429 when an untrusted client rotates X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) statuses.push((await loginFrom(direct, `203.0.113.${i}`)).status);
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it('counts the forwarded address when TRUST_PROXY=loopback', async () => {
    const first = [await loginFrom(proxied, '203.0.113.1'), await loginFrom(proxied, '203.0.113.1')];
    expect(first.map((r) => r.status)).toEqual([401, 401]);
    expect((await loginFrom(proxied, '203.0.113.1')).status).toBe(429);
    expect((await loginFrom(proxied, '203.0.113.2')).status).toBe(401);
  });
});

describe('CORS', () => {
  let server: TestServer;
  let plain: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock', { CORS_ORIGINS: 'http://app.example' });
    plain = await startTestServer('mock');
  });
  afterAll(async () => {
    await server.close();
    await plain.close();
  });

  const preflight = (s: TestServer, origin: string) =>
    fetch(`${s.url}/api/tasks`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('echoes the listed origin with credentials when a listed origin sends a preflight', async () => {
    const res = await preflight(server, 'http://app.example');
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('sends no Access-Control-Allow-Origin when the origin is not listed', async () => {
    const res = await preflight(server, 'http://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await server.api('/api/health', { headers: { origin: 'http://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes the listed origin on a simple request and never answers *', async () => {
    const res = await server.api('/api/health', { headers: { origin: 'http://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('accepts a cookie POST from the listed origin', async () => {
    const { cookie } = await login(server, 'bob');
    const res = await server.api('/api/tasks', {
      body: { type: 'seo_init' },
      headers: { cookie: cookie!, origin: 'http://app.example' },
    });
    expect(res.status).toBe(202);
    await server.api(`/api/tasks/${res.json.task.id}/cancel`, {
      method: 'POST',
      headers: { cookie: cookie! },
    });
  });

  it('sends no CORS headers for any origin when CORS_ORIGINS is unset', async () => {
    const res = await preflight(plain, 'http://app.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
