import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../server/test-support/redis-server';
import { serverBundle } from './build-server';

/**
 * Figures for the production build (after `npm run build`): how long `node dist-server/index.js`
 * takes to listen, and what the first load of `/` transfers compressed (index.html plus the
 * scripts, preloads and stylesheets it names). Run: `tsx scripts/measure-start.ts [runs]`.
 */
const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const spaDir = path.join(repoRoot, 'dist');

async function msToListening(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [serverBundle], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ms = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('taskstream server listening')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  return ms;
}

async function firstLoadBytes(): Promise<Record<'raw' | 'br' | 'gzip', number>> {
  const html = await readFile(path.join(spaDir, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  const files = ['/index.html', ...new Set(assets)].map((f) => path.join(spaDir, f));
  // A file without a smaller compressed copy is sent as it is (see the precompress plugin).
  const sent = async (file: string, suffix: string) =>
    (await stat(`${file}${suffix}`).catch(() => stat(file))).size;
  const total = async (suffix: string) =>
    (await Promise.all(files.map((f) => sent(f, suffix)))).reduce((a, b) => a + b, 0);
  return { raw: await total(''), br: await total('.br'), gzip: await total('.gz') };
}

const runs = Number(process.argv[2] ?? 5);
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(Math.round(await msToListening()));
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const load = await firstLoadBytes();
console.log(
  `npm start to listening: ${times.join(', ')} ms (median ${times.sort((a, b) => a - b)[runs >> 1]} ms)`,
);
console.log(`first load of /: ${kb(load.br)} br, ${kb(load.gzip)} gzip, ${kb(load.raw)} uncompressed`);
