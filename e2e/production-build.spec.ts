import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { buildServer, serverBundle } from '../scripts/build-server';
import { freePort } from '../server/test-support/redis-server';

/**
 * `npm run build && npm start` as deployed: the bundle run by plain `node` (no TypeScript loader),
 * serving the SPA that `npm run test:e2e` has just built, checked over raw HTTP so compressed
 * bytes are seen as sent. The server bundle is rebuilt here (< 1 s) so it matches the source.
 */
const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const spaDir = path.join(repoRoot, 'dist');
const workerToken = 'token-from-dot-env-0123456789';

let child: ChildProcess;
let baseUrl: string;
let stderr = '';
let workDir: string;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request, body undecoded (fetch and Playwright's `request` would decompress it). */
function rawRequest(
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${urlPath}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The entry script index.html loads: a content-hashed file under /assets/. */
async function entryScript(): Promise<string> {
  const html = await readFile(path.join(spaDir, 'index.html'), 'utf8');
  const src = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!src) throw new Error('index.html names no /assets/*.js entry script');
  return src;
}

test.beforeAll(async () => {
  if (!existsSync(path.join(spaDir, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `npm run build` first (npm run test:e2e does)');
  }
  await buildServer();
  // A `.env` in the working directory: WORKER_TOKEN comes only from it; its PORT must lose to the
  // environment's, or the server would not answer on the port below.
  workDir = await mkdtemp(path.join(tmpdir(), 'taskstream-start-'));
  await writeFile(path.join(workDir, '.env'), `PORT=1\nWORKER_TOKEN=${workerToken}\n`);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [serverBundle], {
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEV_USERS: 'alice:demo',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('taskstream server listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
});

test.afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('the built server warns that JWT_SECRET and REDIS_URL are unset', async () => {
  // stderr and stdout are separate pipes: the warnings may arrive after the "listening" line.
  await expect.poll(() => stderr).toContain('WARNING: JWT_SECRET is not set');
  expect(stderr).toContain('WARNING: REDIS_URL is not set');
});

test('/ and client-side routes send index.html with Cache-Control: no-cache', async () => {
  for (const page of ['/', '/communities']) {
    const res = await rawRequest('GET', page);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toContain('<div id="root">');
  }
});

test('a hashed asset comes precompressed as brotli or gzip, immutable, with Vary', async () => {
  const src = await entryScript();
  const original = await readFile(path.join(spaDir, src));
  const decoders = { br: brotliDecompressSync, gzip: gunzipSync } as const;
  for (const encoding of ['br', 'gzip'] as const) {
    const res = await rawRequest('GET', src, { 'accept-encoding': encoding });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.length).toBeLessThan(original.length);
    expect(decoders[encoding](res.body).equals(original)).toBe(true);
  }
  const identity = await rawRequest('GET', src);
  expect(identity.headers['content-encoding']).toBeUndefined();
  expect(identity.body.equals(original)).toBe(true);
});

test('source maps stay on disk and are not served', async () => {
  const maps = (await readdir(path.join(spaDir, 'assets'))).filter((f) => f.endsWith('.map'));
  expect(maps.length).toBeGreaterThan(0);
  for (const map of maps) expect((await rawRequest('GET', `/assets/${map}`)).status).toBe(404);
  const script = await readFile(path.join(spaDir, await entryScript()), 'utf8');
  expect(script).not.toContain('sourceMappingURL');
});

test('a hashed asset that does not exist is a 404, not index.html', async () => {
  const res = await rawRequest('GET', '/assets/gone-after-deploy-0000.js');
  expect(res.status).toBe(404);
  expect(res.body.toString()).not.toContain('<div id="root">');
});

test('/api/health answers ok on the embedded Redis', async () => {
  const res = await rawRequest('GET', '/api/health');
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body.toString())).toMatchObject({ status: 'ok', redis: 'up' });
});

test('/api/events streams uncompressed even when the client accepts br and gzip', async () => {
  const login = await rawRequest(
    'POST',
    '/api/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ username: 'alice', password: 'demo' }),
  );
  expect(login.status).toBe(200);
  const cookie = login.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; ') ?? '';
  const { headers, opening } = await new Promise<{ headers: IncomingHttpHeaders; opening: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        `${baseUrl}/api/events`,
        { headers: { cookie, accept: 'text/event-stream', 'accept-encoding': 'br, gzip' } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (!text.includes('event: connected')) return;
            resolve({ headers: res.headers, opening: text });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
  expect(headers['content-type']).toMatch(/^text\/event-stream/);
  expect(headers['content-encoding']).toBeUndefined();
  expect(opening).toContain('event: connected\n');
});

test('.env in the working directory is loaded, and the environment wins over it', async () => {
  // The server answers on the environment's PORT (it would be on 1 otherwise) and accepts the
  // worker token that only .env names.
  const res = await rawRequest(
    'POST',
    '/api/worker/tasks',
    { 'content-type': 'application/json', authorization: `Bearer ${workerToken}` },
    JSON.stringify({ ownerId: 'alice', type: 'rebuild_communities' }),
  );
  expect(res.status).toBe(201);
});
