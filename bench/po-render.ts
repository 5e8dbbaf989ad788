/**
 * `npx tsx bench/po-render.ts`: the Purchase orders page's render budget (seed 004 promises
 * < 100 ms). The real server serves the built SPA; Chromium shows the page while 20 POs report
 * progress at a fixed total rate; in the page: frames per second, long tasks (> 50 ms) and
 * event → DOM latency (each report's message carries its send time; a MutationObserver sees it
 * land). The same run measures the naive baseline (`?baseline=naive`: one setState per event in a
 * React Context, an unbounded animated feed — the seed's way) beside the real page, at full speed
 * and under 4× CPU throttling (a mid-range phone).
 *
 *   npx tsx bench/po-render.ts                 1,000 events/s at 1×, 100 and 1,000 events/s at 4×
 *   npx tsx bench/po-render.ts --seconds 3 --tasks 10 --windows 1000@1,100@4
 *   --profile prints where the page's main thread spent its time (self time per function, top 12)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { newPurchaseOrder, purchaseOrderScript, stagesOf } from '../protocol';
import { loadConfig } from '../server/config';
import { newPurchaseOrderId, PurchaseOrderStore } from '../server/purchase-orders/po-store';
import { createRedisPair } from '../server/redis';
import { type RunningServer, startServer } from '../server/start-server';
import { type RedisProc, repoRoot, startRedis } from './procs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    tasks: { type: 'string', default: '20' },
    windows: { type: 'string', default: '1000@1,100@4,1000@4' },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const taskCount = Number(args.tasks);
const pages = [
  { name: 'Purchase orders page', path: '/purchase-orders' },
  {
    name: 'naive baseline (Context setState per event, unbounded feed)',
    path: '/purchase-orders?baseline=naive',
  },
];
/** `events/s@CPU slowdown` pairs, e.g. `1000@1,100@4`. */
const windows = String(args.windows)
  .split(',')
  .map((pair) => {
    const [rate = '1000', cpu = '1'] = pair.split('@');
    return { rate: Number(rate), cpu: Number(cpu) };
  });

interface Row {
  page: string;
  rate: number;
  cpu: number;
  sent: number;
  fps: number;
  longTasks: number;
  longestMs: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** Plain JS, because tsx's name-keeping helpers do not exist inside the page. */
const installProbe = `(() => {
  const probe = { frames: 0, start: performance.now(), longTasks: [], latencies: [] };
  const pattern = /sent@(\\d+)/g;
  let raf = 0;
  const frame = () => { probe.frames++; raf = requestAnimationFrame(frame); };
  raf = requestAnimationFrame(frame);
  const longTasks = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  });
  longTasks.observe({ type: 'longtask', buffered: false });
  const seen = new Set();
  const see = (text, now) => {
    if (!text) return;
    for (const m of text.matchAll(pattern)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      probe.latencies.push(now - Number(m[1]));
    }
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
  return { frames: probe.frames, elapsedMs: performance.now() - probe.start, longTasks: probe.longTasks, latencies: probe.latencies };
})()`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const stages = stagesOf('po_processing');

/** Creates `taskCount` POs for alice, each with its record and a running task no worker drives. */
async function createPurchaseOrders(
  server: RunningServer,
): Promise<{ id: string; data: Record<string, string | number> }[]> {
  const store = new PurchaseOrderStore(server.services.redis.commands);
  const made = [];
  for (let i = 0; i < taskCount; i++) {
    const task = await server.services.tracker.create({ ownerId: 'alice', type: 'po_processing' });
    const lineItems = [{ sku: `SKU-${i}`, description: 'Bench item', quantity: 1, unitPriceCents: 100 }];
    const upload = { supplier: 'Bench Supply', poNumber: `PO-BENCH-${i}`, fileName: 'bench.csv' };
    const po = newPurchaseOrder({ id: newPurchaseOrderId(), taskId: task.id, upload, lineItems }, new Date());
    await store.save('alice', po);
    // The worker's own facts (poId, poNumber, …), as every real report carries them.
    const data = purchaseOrderScript(po, null)[0]?.patch.data ?? {};
    made.push({
      id: task.id,
      data: Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v !== 'boolean')) as Record<
        string,
        string | number
      >,
    });
  }
  return made;
}

/** `rate` progress reports a second in total, round-robin over the POs, for `ms`; the stage follows the percent. */
async function drive(
  server: RunningServer,
  pos: { id: string; data: Record<string, string | number> }[],
  rate: number,
  ms: number,
): Promise<number> {
  const tracker = server.services.tracker;
  const perTask = rate / pos.length;
  const end = Date.now() + ms;
  let sent = 0;
  await Promise.all(
    pos.map(async ({ id, data }, lane) => {
      let step = 0;
      const started = Date.now() + (lane * 1000) / rate;
      while (Date.now() < end) {
        const due = started + (step * 1000) / perTask;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        step++;
        const current = 1 + (step % 98);
        const stage = stages[Math.min(stages.length - 1, Math.floor(current / 34))] ?? 'ai_parsing';
        await tracker.update(id, {
          progress: { current },
          stage,
          message: `Working, sent@${Date.now()}`,
          data,
        });
        sent++;
      }
    }),
  );
  return sent;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function from a CPU profile: where the page's main thread went. */
function printHotspots(name: string, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  for (const [i, id] of (profile.samples ?? []).entries()) {
    const frame = byId.get(id);
    const key = frame
      ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`
      : '?';
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${name}: ${Math.round(total)} ms sampled`);
  for (const [key, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}

async function measure(
  server: RunningServer,
  page: Page,
  target: (typeof pages)[number],
  rate: number,
  cpu: number,
): Promise<Row> {
  const pos = await createPurchaseOrders(server);
  await page.goto(`${server.url}${target.path}`);
  await page.locator('[data-connection="live"]').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(800);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  await page.evaluate(installProbe);
  if (args.profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const sent = await drive(server, pos, rate, seconds * 1000);
  if (args.profile) printHotspots(target.name, (await cdp.send('Profiler.stop')).profile);
  await page.waitForTimeout(500);
  const metrics = (await page.evaluate(readProbe)) as {
    frames: number;
    elapsedMs: number;
    longTasks: number[];
    latencies: number[];
  };
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  await Promise.all(pos.map(({ id }) => server.services.tracker.complete(id, {}, 'done')));
  const latencies = metrics.latencies.sort((a, b) => a - b);
  return {
    page: target.name,
    rate,
    cpu,
    sent,
    fps: Math.round((metrics.frames * 1000) / metrics.elapsedMs),
    longTasks: metrics.longTasks.length,
    longestMs: Math.round(Math.max(0, ...metrics.longTasks)),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
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
    redis = null;
  }
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-po-secret-0123456789abcdef0123456',
    MAX_STREAMS_PER_USER: '50',
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
    for (const { rate, cpu } of windows) {
      for (const target of pages) {
        const row = await measure(server, page, target, rate, cpu);
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
    '# Purchase orders page: render budget',
    '',
    `${taskCount} POs, ${seconds} s per window, Chromium headless, ${redis ? 'redis-server' : 'ioredis-mock'}; ${new Date().toISOString()}; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
    '',
    '| page | events/s | CPU slowdown | sent | fps | long tasks (> 50 ms) | longest ms | event→DOM p50 ms | p99 ms | max ms | samples |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.rate} | ${r.cpu}× | ${r.sent} | ${r.fps} | ${r.longTasks} | ${r.longestMs} | ${r.p50} | ${r.p99} | ${r.max} | ${r.samples} |`,
    ),
    '',
  ];
  const out = path.join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'po-render-latest.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
