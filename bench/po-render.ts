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
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { newPurchaseOrder, purchaseOrderScript, stagesOf } from '../protocol';
import { newPurchaseOrderId, PurchaseOrderStore } from '../server/purchase-orders/po-store';
import type { RunningServer } from '../server/start-server';
import { measureWhile, paceReports, runBench, startBenchSession, writeResults } from './page-driver';

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
function drive(
  server: RunningServer,
  pos: { id: string; data: Record<string, string | number> }[],
  rate: number,
  ms: number,
): Promise<number> {
  return paceReports(pos, rate, ms, async ({ id, data }, step) => {
    const current = 1 + (step % 98);
    const stage = stages[Math.min(stages.length - 1, Math.floor(current / 34))] ?? 'ai_parsing';
    await server.services.tracker.update(id, {
      progress: { current },
      stage,
      message: `Working, sent@${Date.now()}`,
      data,
    });
  });
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
  const cdp = await page.context().newCDPSession(page);
  const { sent, fps, longTasks, longestMs, p50, p99, max, samples } = await measureWhile(
    page,
    `${server.url}${target.path}`,
    async () => {
      if (args.profile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      const sent = await drive(server, pos, rate, seconds * 1000);
      if (args.profile) printHotspots(target.name, (await cdp.send('Profiler.stop')).profile);
      return sent;
    },
    {
      settleMs: 800,
      drainMs: 500,
      beforeProbe: async () => {
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
      },
    },
  );
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  await Promise.all(pos.map(({ id }) => server.services.tracker.complete(id, {}, 'done')));
  return { page: target.name, rate, cpu, sent, fps, longTasks, longestMs, p50, p99, max, samples };
}

async function main(): Promise<void> {
  const session = await startBenchSession({
    build: args.build,
    realRedis: true,
    env: { JWT_SECRET: 'bench-po-secret-0123456789abcdef0123456', MAX_STREAMS_PER_USER: '50' },
  });
  const rows: Row[] = [];
  try {
    for (const { rate, cpu } of windows) {
      for (const target of pages) {
        const row = await measure(session.server, session.page, target, rate, cpu);
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    await session.close();
  }
  writeResults('po-render-latest.md', [
    '# Purchase orders page: render budget',
    '',
    `${taskCount} POs, ${seconds} s per window, Chromium headless, ${session.redisName}; ${new Date().toISOString()}; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end`,
    '',
    '| page | events/s | CPU slowdown | sent | fps | long tasks (> 50 ms) | longest ms | event→DOM p50 ms | p99 ms | max ms | samples |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.page} | ${r.rate} | ${r.cpu}× | ${r.sent} | ${r.fps} | ${r.longTasks} | ${r.longestMs} | ${r.p50} | ${r.p99} | ${r.max} | ${r.samples} |`,
    ),
    '',
  ]);
}

runBench(main);
