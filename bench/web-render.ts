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
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../server/start-server';
import { measureWhile, paceReports, runBench, startBenchSession, writeResults } from './page-driver';

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

async function measure(
  server: RunningServer,
  page: Page,
  path: string,
  rate: number,
): Promise<Omit<Row, 'page'>> {
  const tracker = server.services.tracker;
  const ids: string[] = [];
  for (let i = 0; i < taskCount; i++) {
    const task = await tracker.create({
      ownerId: 'alice',
      type: 'rebuild_communities',
      status: 'running',
      message: 'Starting',
    });
    ids.push(task.id);
  }
  const drive = () =>
    paceReports(ids, rate, seconds * 1000, async (id, step) => {
      const current = 1 + (step % 98);
      await tracker.update(id, { progress: { current }, message: `Working, sent@${Date.now()}` });
    });
  const { sent, fps, longTasks, longTaskMs, p50, p95, max, samples } = await measureWhile(
    page,
    `${server.url}${path}`,
    drive,
    { settleMs: 500, drainMs: 300 },
  );
  await Promise.all(ids.map((id) => tracker.complete(id, {}, 'done')));
  return { rate, sent, fps, longTasks, longTaskMs, p50, p95, max, samples };
}

async function main(): Promise<void> {
  const session = await startBenchSession({
    build: args.build,
    realRedis: true,
    env: { JWT_SECRET: 'bench-web-secret-0123456789abcdef012345' },
  });
  const rows: Row[] = [];
  try {
    for (const target of pages) {
      for (const rate of rates) {
        const row = {
          page: target.name,
          ...(await measure(session.server, session.page, target.path, rate)),
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    await session.close();
  }
  writeResults('web-latest.md', [
    `# Browser render cost of task events`,
    '',
    `${taskCount} tasks, ${seconds} s per window, Chromium headless, ${session.redisName}; ${new Date().toISOString()}`,
    '',
    '| page | target events/s | sent | fps | long tasks | long-task ms | event→DOM p50 ms | p95 ms | max ms | samples |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.rate} | ${r.sent} | ${r.fps} | ${r.longTasks} | ${r.longTaskMs} | ${r.p50} | ${r.p95} | ${r.max} | ${r.samples} |`,
    ),
    '',
  ]);
}

runBench(main);
