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
import { parseArgs } from 'node:util';
import { withGeneratedRows } from '../protocol';
import { installProbe, readProbe, runBench, startBenchSession, summarize, writeResults } from './page-driver';

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

const rowsShown = `document.querySelector('[data-testid="leads-table"]')?.getAttribute('data-rows') ?? 0`;

async function main(): Promise<void> {
  const { server, page, close } = await startBenchSession({
    build: args.build,
    realRedis: false,
    env: { JWT_SECRET: 'bench-leads-secret-0123456789abcdef0123' },
  });
  try {
    if (args['reduced-motion']) await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${server.url}/reddit`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('leads-empty').waitFor();

    const { tracker } = server.services;
    const task = await tracker.create({ ownerId: 'alice', type: 'reddit_leads' });
    await page.getByTestId('leads-progress').waitFor();
    // Rows shown, every frame; stamps read from new lead rows only (each batch's query carries one).
    await installProbe(page, { perFrame: rowsShown, stampsIn: 'tr[data-lead-id]' });
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
    const result = await readProbe(page);
    const rows = Number(await page.evaluate(rowsShown));
    await tracker.complete(task.id, { itemsFound: totalRows }, `Completed! ${totalRows} leads found`);

    const { fps, longTasks, longestMs, p50, p95, max } = summarize(result);
    const appending = result.perFrame
      .slice(1)
      .map((n, i) => n - (result.perFrame[i] ?? 0))
      .filter((n) => n > 0);
    writeResults('leads-latest.md', [
      '# Leads table while rows arrive',
      '',
      `${totalRows} rows in ${batches} batches of ${batchSize} over ${args.seconds} s, Chromium headless, 1280×900, ioredis-mock${args['reduced-motion'] ? ', reduced motion' : ''}; ${new Date().toISOString()}`,
      '',
      '| rows shown | frames | fps | frames that appended | rows per appending frame (max) | long tasks | longest ms | batch event→rows p50 ms | p95 ms | max ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${rows} | ${result.frames} | ${fps} | ${appending.length} | ${Math.max(0, ...appending)} | ${longTasks} | ${longestMs} | ${p50} | ${p95} | ${max} |`,
      '',
    ]);
  } finally {
    await close();
  }
}

runBench(main);
