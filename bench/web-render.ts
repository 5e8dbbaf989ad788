/**
 * `npm run bench:web`: what a burst of task events costs the browser. The real server (on a
 * redis-server of its own when one is installed, else ioredis-mock) serves the built SPA; Debian's
 * Chromium signs in and shows a page while N tasks report progress at a fixed rate. In the page:
 * long tasks (PerformanceObserver), frames per second (requestAnimationFrame) and event→DOM
 * latency (each message carries its send time; a MutationObserver sees it land in the DOM).
 *
 *   npm run bench:web                       communities + stack-only pages at 200 and 1,000 events/s, 20 tasks
 *   npm run bench:web -- --seconds 3 --rates 200 --tasks 10
 *   options: --build (run `vite build` first; done anyway when dist/ is missing)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { loadConfig } from '../server/config';
import { createRedisPair } from '../server/redis';
import { type RunningServer, startServer } from '../server/start-server';
import { type RedisProc, repoRoot, startRedis } from './procs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rates: { type: 'string', default: '200,1000' },
    tasks: { type: 'string', default: '20' },
    build: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const rates = String(args.rates).split(',').map(Number);
const taskCount = Number(args.tasks);
const pages = [
  { name: 'Communities page + global stack', path: '/communities' },
  { name: 'global stack only', path: '/runs' },
];

interface PageMetrics {
  frames: number;
  elapsedMs: number;
  longTasks: number[];
  latencies: number[];
}

interface Row {
  page: string;
  rate: number;
  sent: number;
  fps: number;
  longTasks: number;
  longTaskMs: number;
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

/**
 * Installed in the page at the start of a window; read back at its end. Plain JS text, because
 * tsx's name-keeping helpers do not exist inside the page.
 */
const installProbe = `(() => {
  const probe = { frames: 0, start: performance.now(), longTasks: [], latencies: [] };
  const pattern = /sent@(\\d+)/;
  let raf = 0;
  const frame = () => { probe.frames++; raf = requestAnimationFrame(frame); };
  raf = requestAnimationFrame(frame);
  const longTasks = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  });
  longTasks.observe({ type: 'longtask', buffered: false });
  const see = (text, now) => {
    const m = text ? pattern.exec(text) : null;
    if (m) probe.latencies.push(now - Number(m[1]));
  };
  const mutations = new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) {
      if (r.type === 'characterData') see(r.target.textContent, now);
      else for (const node of r.addedNodes) see(node.textContent, now);
    }
  });
  mutations.observe(document.body, { subtree: true, childList: true, characterData: true });
  probe.stop = () => { cancelAnimationFrame(raf); longTasks.disconnect(); mutations.disconnect(); };
  window.__probe = probe;
})()`;

const readProbe = `(() => {
  const probe = window.__probe;
  probe.stop();
  return {
    frames: probe.frames,
    elapsedMs: performance.now() - probe.start,
    longTasks: probe.longTasks,
    latencies: probe.latencies,
  };
})()`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Drives `rate` progress reports a second, round-robin over the tasks, for `ms`. */
async function drive(server: RunningServer, ids: string[], rate: number, ms: number): Promise<number> {
  const tracker = server.services.tracker;
  const perTask = rate / ids.length;
  const end = Date.now() + ms;
  let sent = 0;
  await Promise.all(
    ids.map(async (id, lane) => {
      let step = 0;
      const started = Date.now() + (lane * 1000) / rate;
      while (Date.now() < end) {
        const due = started + (step * 1000) / perTask;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        step++;
        const current = 1 + (step % 98);
        await tracker.update(id, { progress: { current }, message: `Working, sent@${Date.now()}` });
        sent++;
      }
    }),
  );
  return sent;
}

async function measure(
  server: RunningServer,
  page: Page,
  path: string,
  rate: number,
): Promise<Omit<Row, 'page'>> {
  const ids: string[] = [];
  for (let i = 0; i < taskCount; i++) {
    const task = await server.services.tracker.create({
      ownerId: 'alice',
      type: 'rebuild_communities',
      status: 'running',
      message: 'Starting',
    });
    ids.push(task.id);
  }
  await page.goto(`${server.url}${path}`);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.evaluate(installProbe);
  const sent = await drive(server, ids, rate, seconds * 1000);
  await page.waitForTimeout(300);
  const metrics = (await page.evaluate(readProbe)) as PageMetrics;
  await Promise.all(ids.map((id) => server.services.tracker.complete(id, {}, 'done')));
  const latencies = metrics.latencies.sort((a, b) => a - b);
  return {
    rate,
    sent,
    fps: Math.round((metrics.frames * 1000) / metrics.elapsedMs),
    longTasks: metrics.longTasks.length,
    longTaskMs: Math.round(metrics.longTasks.reduce((a, b) => a + b, 0)),
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    samples: latencies.length,
  };
}

async function main(): Promise<void> {
  if (args.build || !existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  }
  let redis: RedisProc | null = null;
  try {
    redis = await startRedis();
  } catch {
    redis = null; // no redis-server: the embedded default
  }
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-web-secret-0123456789abcdef012345',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  const server = await startServer(config, redis ? {} : { redis: createRedisPair(undefined) });
  const browser = await chromium.launch(chromiumLaunchOptions);
  const rows: Row[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in as alice' }).click();
    await page.getByRole('heading', { name: 'Communities', level: 1 }).waitFor();
    for (const target of pages) {
      for (const rate of rates) {
        const row = { page: target.name, ...(await measure(server, page, target.path, rate)) };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    await browser.close();
    await server.close({ timeoutMs: 1000 });
    await redis?.stop();
  }
  const lines = [
    `# Browser render cost of task events`,
    '',
    `${taskCount} tasks, ${seconds} s per window, Chromium headless, ${redis ? 'redis-server' : 'ioredis-mock'}; ${new Date().toISOString()}`,
    '',
    '| page | target events/s | sent | fps | long tasks | long-task ms | event→DOM p50 ms | p95 ms | max ms | samples |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.rate} | ${r.sent} | ${r.fps} | ${r.longTasks} | ${r.longTaskMs} | ${r.p50} | ${r.p95} | ${r.max} | ${r.samples} |`,
    ),
    '',
  ];
  const out = path.join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'web-latest.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
