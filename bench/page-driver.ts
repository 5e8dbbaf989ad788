/**
 * What the browser benches (`web-render.ts`, `po-render.ts`, `leads-render.ts`) share: the built
 * SPA served by the real server, Debian's Chromium signed in as alice, a probe in the page (frames,
 * long tasks, and event → DOM latency read from `sent@<ms>` stamps), paced progress reports, and
 * the results file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { loadConfig } from '../server/config';
import { createRedisPair } from '../server/redis';
import { type RunningServer, startServer } from '../server/start-server';
import { type RedisProc, repoRoot, startRedis } from './procs';

export interface BenchSession {
  server: RunningServer;
  /** Signed in as alice, 1280×900, on the Communities page. */
  page: Page;
  /** What the server stores in: a redis-server of the bench's own, or the embedded ioredis-mock. */
  redisName: 'redis-server' | 'ioredis-mock';
  close(): Promise<void>;
}

/**
 * Builds the SPA when asked or when dist/ has none, starts the server (on a redis-server of its
 * own when `realRedis` and one is installed, else ioredis-mock), and signs Chromium in as alice.
 */
export async function startBenchSession(options: {
  build: boolean;
  realRedis: boolean;
  env: Record<string, string> & { JWT_SECRET: string };
}): Promise<BenchSession> {
  if (options.build || !existsSync(path.join(repoRoot, 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  }
  let redis: RedisProc | null = null;
  if (options.realRedis) {
    try {
      redis = await startRedis();
    } catch {
      redis = null; // no redis-server: the embedded default
    }
  }
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...options.env,
    ...(redis ? { REDIS_URL: redis.url } : {}),
  });
  const server = await startServer(config, redis ? {} : { redis: createRedisPair(undefined) });
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    await server.close({ timeoutMs: 1000 });
    await redis?.stop();
  };
  try {
    browser = await chromium.launch(chromiumLaunchOptions);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in as alice' }).click();
    await page.getByRole('heading', { name: 'Communities', level: 1 }).waitFor();
    return { server, page, redisName: redis ? 'redis-server' : 'ioredis-mock', close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface ProbeOptions {
  /**
   * A JS expression the page evaluates every animation frame; its numbers come back as
   * `perFrame`, with the value at install first.
   */
  perFrame?: string;
  /**
   * Only elements matching this selector, when added, are read for stamps; by default every
   * added node and every changed text is.
   */
  stampsIn?: string;
}

export interface ProbeResult {
  frames: number;
  elapsedMs: number;
  longTasks: number[];
  /** ms from each `sent@<ms>` stamp to its first sight in the DOM, once per stamp. */
  latencies: number[];
  perFrame: number[];
}

/**
 * Installs the probe in the page; `readProbe` stops it and reads it back. Plain JS text, because
 * tsx's name-keeping helpers do not exist inside the page.
 */
export async function installProbe(page: Page, options: ProbeOptions = {}): Promise<void> {
  await page.evaluate(`((stampsIn) => {
  const perFrame = ${options.perFrame ? `() => Number(${options.perFrame})` : 'null'};
  const probe = { frames: 0, start: performance.now(), longTasks: [], latencies: [], perFrame: [] };
  if (perFrame) probe.perFrame.push(perFrame());
  let raf = 0;
  const frame = () => {
    probe.frames++;
    if (perFrame) probe.perFrame.push(perFrame());
    raf = requestAnimationFrame(frame);
  };
  raf = requestAnimationFrame(frame);
  const longTasks = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
  });
  longTasks.observe({ type: 'longtask', buffered: false });
  const seen = new Set();
  const see = (text, now) => {
    if (!text) return;
    for (const m of text.matchAll(/sent@(\\d+)/g)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      probe.latencies.push(now - Number(m[1]));
    }
  };
  const mutations = new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) {
      if (r.type === 'characterData') see(r.target.textContent, now);
      else for (const node of r.addedNodes) {
        if (!stampsIn || (node.nodeType === 1 && node.matches(stampsIn))) see(node.textContent, now);
      }
    }
  });
  mutations.observe(document.body, { subtree: true, childList: true, characterData: !stampsIn });
  probe.stop = () => { cancelAnimationFrame(raf); longTasks.disconnect(); mutations.disconnect(); };
  window.__benchProbe = probe;
})(${JSON.stringify(options.stampsIn ?? null)})`);
}

export async function readProbe(page: Page): Promise<ProbeResult> {
  return (await page.evaluate(`(() => {
  const p = window.__benchProbe;
  p.stop();
  return { frames: p.frames, elapsedMs: performance.now() - p.start, longTasks: p.longTasks, latencies: p.latencies, perFrame: p.perFrame };
})()`)) as ProbeResult;
}

/**
 * One measured window: opens `url`, waits for the live stream and `settleMs`, runs `beforeProbe`
 * (e.g. CPU throttling), then probes the page while `drive()` sends reports and for `drainMs`
 * after. Resolves with how many `drive` sent and the page's figures.
 */
export async function measureWhile(
  page: Page,
  url: string,
  drive: () => Promise<number>,
  options: { settleMs: number; drainMs: number; beforeProbe?: () => Promise<void> },
) {
  await page.goto(url);
  await page.locator('[data-connection="live"]').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(options.settleMs);
  await options.beforeProbe?.();
  await installProbe(page);
  const sent = await drive();
  await page.waitForTimeout(options.drainMs);
  return { sent, ...summarize(await readProbe(page)) };
}

/** The figures every render bench reports, from a probe's reading. */
export function summarize(result: ProbeResult) {
  const latencies = [...result.latencies].sort((a, b) => a - b);
  return {
    fps: Math.round((result.frames * 1000) / result.elapsedMs),
    longTasks: result.longTasks.length,
    longTaskMs: Math.round(result.longTasks.reduce((a, b) => a + b, 0)),
    longestMs: Math.round(Math.max(0, ...result.longTasks)),
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    samples: latencies.length,
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * `rate` reports a second in total for `ms`, round-robin over `lanes` (lane i starts i/rate s
 * late); `report(lane, step)` sends one. Resolves with how many were sent.
 */
export async function paceReports<T>(
  lanes: readonly T[],
  rate: number,
  ms: number,
  report: (lane: T, step: number) => Promise<void>,
): Promise<number> {
  const perLane = rate / lanes.length;
  const end = Date.now() + ms;
  let sent = 0;
  await Promise.all(
    lanes.map(async (lane, i) => {
      let step = 0;
      const started = Date.now() + (i * 1000) / rate;
      while (Date.now() < end) {
        const due = started + (step * 1000) / perLane;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        step++;
        await report(lane, step);
        sent++;
      }
    }),
  );
  return sent;
}

/** Writes `bench/results/<fileName>` and prints it. */
export function writeResults(fileName: string, lines: string[]): void {
  const out = path.join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, fileName), lines.join('\n'));
  console.log(lines.join('\n'));
}

/** Runs a bench's `main`, exiting 1 with the error if it throws. */
export function runBench(main: () => Promise<void>): void {
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
