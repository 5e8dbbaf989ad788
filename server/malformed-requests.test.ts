import { brotliCompressSync, gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionTokens } from './auth/session-tokens';
import { type RunningServer, startServer } from './start-server';
import { TEST_JWT_SECRET, TEST_WORKER_TOKEN, testConfig, uniqueUser } from './test-support/harness';

interface LogLine {
  level: number;
  msg: string;
}

/** pino's numeric level for `error`: nothing a client sends may be logged at it or above. */
const ERROR_LEVEL = 50;

describe('malformed requests', () => {
  const logged: LogLine[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => logged.push(JSON.parse(line) as LogLine) });
  let server: RunningServer;
  let bearer: string;

  beforeAll(async () => {
    server = await startServer(testConfig({ LOG_LEVEL: 'trace' }), { log });
    bearer = `Bearer ${await new SessionTokens(TEST_JWT_SECRET).sign(uniqueUser())}`;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    logged.length = 0;
  });

  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body ? new Uint8Array(body) : undefined,
    });
    const json: unknown = await res.json();
    return { status: res.status, json };
  }

  const errorLogs = () => logged.filter((line) => line.level >= ERROR_LEVEL);

  it.each([
    ['GET', '/api/tasks/%/events', 'anonymous'],
    ['GET', '/api/tasks/%zz/events', 'user'],
    ['GET', '/api/tasks/%zz', 'user'],
    ['POST', '/api/tasks/%zz/cancel', 'user'],
    ['POST', '/api/tasks/%zz/progress', 'anonymous'],
    ['POST', '/api/tasks/%zz/progress', 'worker'],
  ] as const)(
    'answers 400 malformed-url and logs no error when %s %s has a broken percent-encoding as %s',
    async (method, path, caller) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (caller === 'user') headers.authorization = bearer;
      if (caller === 'worker') headers.authorization = `Bearer ${TEST_WORKER_TOKEN}`;
      const res = await send(method, path, headers, method === 'POST' ? Buffer.from('{}') : undefined);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { code: 'malformed-url', message: expect.any(String) } });
      expect(errorLogs()).toEqual([]);
    },
  );

  const credentials = Buffer.from(JSON.stringify({ username: 'alice', password: 'demo' }));
  it.each([
    ['gzip', Buffer.from('this is not gzip')],
    ['gzip', gzipSync(credentials).subarray(0, 20)],
    ['deflate', Buffer.from('this is not deflate')],
    ['br', Buffer.from('this is not brotli')],
    ['br', brotliCompressSync(credentials).subarray(0, 8)],
  ])(
    'answers 400 malformed-body and logs no error when a login body does not decode as %s',
    async (encoding, body) => {
      const res = await send(
        'POST',
        '/api/auth/login',
        { 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      );
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { code: 'malformed-body', message: expect.any(String) } });
      expect(errorLogs()).toEqual([]);
    },
  );

  it('signs in when the login body is validly gzipped', async () => {
    const res = await send(
      'POST',
      '/api/auth/login',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(credentials),
    );
    expect(res.status).toBe(200);
  });
});
