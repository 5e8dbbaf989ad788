/**
 * `npx tsx bench/leads-render.ts`: what a growing leads table costs the browser. The real server
 * (ioredis-mock) serves the built SPA; Chromium opens the Reddit page while one `reddit_leads` task
 * reports 1,000 leads over 10 s (100 batches of 10, carried in the progress events exactly as the
 * simulated worker carries them). In the page: rows appended per animation frame (the table's
 * `data-rows` read every frame), long tasks (PerformanceObserver) and batch event→rows-in-DOM
 * latency (each batch's query carries its send time; a MutationObserver sees its rows land).
 *
 *   options: --rows 1000 --seconds 10 --batch 10 --build --reduced-motion (no new-row flash)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { withGeneratedRows } from '../protocol';
import { loadConfig } from '../server/config';
import { createRedisPair } from '../server/redis';
import { startServer } from '../server/start-server';
import { repoRoot } from './procs';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '10' },
    build: { type: 'boolean', default: false },
    'reduced-motion': { type: 'boolean', default: false },
  },
});
const totalRows = Number(args.rows);
const batchSize = Number(args.batch);
const batches = Math.ceil(totalRows / batchSize);
const intervalMs = (Number(args.seconds) * 1000) / batches;

/** Plain JS text for the page (tsx's helpers do not exist there). */
const installProbe = `(() => {
  const probe = { frames: [], longTasks: [], latencies: [], start: performance.now() };
  const table = () => document.querySelector('[data-testid="leads-table"]');
  let last = Number(table()?.getAttribute('data-rows') ?? 0);
  let raf = 0;
  const frame = () => {
    const rows = Number(table()?.getAttribute('data-rows') ?? 0);
    probe.frames.push(rows - last);
    last = rows;
    raf = requestAnimationFrame(frame);
  };
  raf = requestAnimationFrame(frame);
  const longTasks = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  });
  longTasks.observe({ type: 'longtask', buffered: false });
  const seen = new Set();
  const mutations = new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) for (const node of r.addedNodes) {
      if (node.nodeType !== 1 || !node.matches('tr[data-lead-id]')) continue;
      const m = /sent@(\\d+)/.exec(node.textContent ?? '');
      if (m && !seen.has(m[1])) { seen.add(m[1]); probe.latencies.push(now - Number(m[1])); }
    }
  });
  mutations.observe(document.body, { subtree: true, childList: true });
  probe.stop = () => { cancelAnimationFrame(raf); longTasks.disconnect(); mutations.disconnect(); };
  window.__leadsProbe = probe;
})()`;

const readProbe = `(() => {
  const p = window.__leadsProbe;
  p.stop();
  return { frames: p.frames, longTasks: p.longTasks, latencies: p.latencies, elapsedMs: performance.now() - p.start,
    rows: Number(document.querySelector('[data-testid="leads-table"]')?.getAttribute('data-rows') ?? 0) };
})()`;

interface ProbeResult {
  frames: number[];
  longTasks: number[];
  latencies: number[];
  elapsedMs: number;
  rows: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  if (args.build || !existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-leads-secret-0123456789abcdef0123',
  });
  const server = await startServer(config, { redis: createRedisPair(undefined) });
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    if (args['reduced-motion']) await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in as alice' }).click();
    await page.getByRole('heading', { name: 'Communities', level: 1 }).waitFor();
    await page.goto(`${server.url}/reddit`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('leads-empty').waitFor();

    const { tracker } = server.services;
    const task = await tracker.create({ ownerId: 'alice', type: 'reddit_leads' });
    await page.getByTestId('leads-progress').waitFor();
    await page.evaluate(installProbe);
    const started = Date.now();
    for (let k = 1; k <= batches; k++) {
      const due = started + k * intervalMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const patch = withGeneratedRows('reddit_leads', task.id, k - 1, {
        progress: { current: (10 * k) / batches },
        data: {
          batch: k,
          query: `bench batch ${k} sent@${Date.now()}`,
          leadsFound: Math.min(batchSize, totalRows - (k - 1) * batchSize),
          leadsSoFar: Math.min(totalRows, k * batchSize),
        },
      });
      await tracker.update(task.id, patch);
    }
    await page.waitForTimeout(500);
    const result = (await page.evaluate(readProbe)) as ProbeResult;
    await tracker.complete(task.id, { itemsFound: totalRows }, `Completed! ${totalRows} leads found`);

    const appending = result.frames.filter((n) => n > 0);
    const latencies = result.latencies.sort((a, b) => a - b);
    const longest = Math.max(0, ...result.longTasks);
    const lines = [
      '# Leads table while rows arrive',
      '',
      `${totalRows} rows in ${batches} batches of ${batchSize} over ${args.seconds} s, Chromium headless, 1280×900, ioredis-mock${args['reduced-motion'] ? ', reduced motion' : ''}; ${new Date().toISOString()}`,
      '',
      '| rows shown | frames | fps | frames that appended | rows per appending frame (max) | long tasks | longest ms | batch event→rows p50 ms | p95 ms | max ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${result.rows} | ${result.frames.length} | ${Math.round((result.frames.length * 1000) / result.elapsedMs)} | ${appending.length} | ${Math.max(0, ...appending)} | ${result.longTasks.length} | ${Math.round(longest)} | ${quantile(latencies, 0.5)} | ${quantile(latencies, 0.95)} | ${latencies.at(-1)} |`,
      '',
    ];
    const out = path.join(repoRoot, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'leads-latest.md'), lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    await browser.close();
    await server.close({ timeoutMs: 1000 });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
