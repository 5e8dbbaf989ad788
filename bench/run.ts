/**
 * `npm run bench`: taskstream against a hand-written node:http SSE fan-out (bench/baseline-server.ts)
 * on the same machine, the same Redis, the same worker and the same load client.
 *
 * For each cell: a fresh redis-server; then, one after the other, taskstream (tasks driven by
 * `ProgressTracker` straight to Redis), taskstream with the HTTP ingestion route, taskstream with
 * the HTTP batch route (`POST /api/worker/progress`), and the baseline.
 * Each run: spawn the server, create the tasks, warm the server up, sample RSS, open N streams
 * (connect time), sample RSS again (RSS per idle stream), drive events for the window, wait for
 * delivery to finish, sample CPU (utime+stime / deliveries) and count lost / duplicated events.
 * Cell (d) runs taskstream once as one process and once as two processes on the same Redis, the
 * streams split between them (no balancer: the load client alternates), to see what a second
 * process adds on this machine.
 * Then a stalled-client check: one stream that stops reading while events flow.
 *
 *   npm run bench                     all cells, full scale (writes bench/results/latest.md)
 *   npm run bench -- --quick          every cell at 1/10 scale, shorter window (latest-quick.md)
 *   npm run bench -- --cell a         one cell (repeat or comma-separate for more)
 *   options: --no-http  --no-stall  --variants taskstream,taskstream-batch,baseline (a subset, in that order)  --profile (servers under node --cpu-prof; top self time per phase)
 *            --baseline-work: the baseline also verifies the JWT, subscribes and reads the snapshot per connect
 *            --window <s>  --concurrency <n> (connect requests in flight)  --warm <n> (streams opened and closed before measuring, default 2000)
 *            --align / --no-align: start each window just after a heartbeat round, so that no
 *            heartbeat falls into either server's CPU window (default: on for full runs, off for --quick)
 *            --repeat <n>: run taskstream and the baseline n times each, alternating, in cells a and b
 *            (default 3 for full runs, 1 for --quick); ratios and targets use the medians
 *   env BENCH_NODE_ARGS: extra node flags for both servers (e.g. "--trace-gc"; GC lines go to bench/results/.tmp/logs)
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keys } from '../server/tasks/keys';
import { RpcChild } from './ipc';
import type { ConnectResult, FinishResult, LoadClientApi, StallResult, StreamAuth } from './load-client';
import {
  cpuMs,
  openFilesLimit,
  type RedisProc,
  repoRoot,
  rssKB,
  rssSampler,
  sleep,
  startRedis,
  startTarget,
  type TargetKind,
  type TargetProc,
} from './procs';
import { monoNowUs, type ProfileSummary, summariseProfile } from './profile';
import type { RunArgs, RunResult, WorkerApi } from './worker';

const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef-0123456789';
const WORKER_TOKEN = 'bench-worker-token-0123456789abcdef';
const HEARTBEAT_MS = 15_000;
/** After a heartbeat round, before the window: the round's work must be over (see --align). */
const BEAT_SETTLE_MS = 1500;
/** Stalled-client check: events padded to about this many bytes of text, 1,000 a second. */
const STALL_PAD_BYTES = 8000;

type CellName = 'a' | 'b' | 'c' | 'd';
interface Cell {
  name: CellName;
  title: string;
  streams: number;
  users: number;
  tasksPerUser: number;
  /** events per second */
  rate: number;
  /** whether the issue's targets apply */
  targets: boolean;
}

const fullCells: Cell[] = [
  {
    name: 'a',
    title: '10,000 streams, 1 per user, 1,000 events/s',
    streams: 10_000,
    users: 10_000,
    tasksPerUser: 1,
    rate: 1000,
    targets: true,
  },
  {
    name: 'b',
    title: '5,000 streams over 500 users (10 each), 1,000 events/s = 10,000 deliveries/s',
    streams: 5000,
    users: 500,
    tasksPerUser: 1,
    rate: 1000,
    targets: true,
  },
  {
    name: 'c',
    title: '1,000 streams of one user, 200 events/s (broadcast: 200,000 deliveries/s)',
    streams: 1000,
    users: 1,
    tasksPerUser: 10,
    rate: 200,
    targets: false,
  },
  {
    name: 'd',
    title:
      '10,000 streams over 1,000 users (10 each), 1,500 events/s = 15,000 deliveries/s: one process, then two on the same Redis',
    streams: 10_000,
    users: 1000,
    tasksPerUser: 1,
    rate: 1500,
    targets: false,
  },
];

type Variant = 'taskstream' | 'taskstream-http' | 'taskstream-batch' | 'taskstream-2p' | 'baseline';

interface RunRow {
  cell: Cell;
  variant: Variant;
  /** 1, 2, …: the round of a repeated cell (see --repeat). */
  round: number;
  connect: ConnectResult;
  /** CPU ms of server, redis, worker and client while connecting and over the window. */
  connectCpu: Record<string, number>;
  /** CPU ms from before a heartbeat round to BEAT_SETTLE_MS after it, with nothing else going on (aligned runs). */
  beatRoundCpu: Record<string, number> | null;
  windowCpu: Record<string, number>;
  rssBeforeKB: number;
  rssIdleKB: number;
  rssPeakKB: number;
  rssPerIdleStreamKB: number;
  cpuMs: number;
  cpuUsPerDelivery: number;
  windowMs: number;
  deliveriesPerS: number;
  finish: FinishResult;
  worker: RunResult;
  drainMs: number;
  profiles: { connect: ProfileSummary; delivery: ProfileSummary } | null;
}

interface StallRow {
  kind: TargetKind;
  rssBeforeKB: number;
  rssPeakKB: number;
  rssAfterKB: number;
  eventsSent: number;
  bytesToReader: number;
  readerDeliveries: number;
  readerP99: number;
  stall: StallResult;
  slowClientDrops: number | null;
}

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cell: { type: 'string', multiple: true },
    'no-http': { type: 'boolean', default: false },
    'no-stall': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    align: { type: 'boolean' },
    'no-align': { type: 'boolean', default: false },
    window: { type: 'string' },
    concurrency: { type: 'string', default: '500' },
    warm: { type: 'string', default: '2000' },
    'baseline-work': { type: 'boolean', default: false },
    variants: { type: 'string' },
    repeat: { type: 'string' },
  },
});

const quick = opts.quick;
const scale = quick ? 0.1 : 1;
const windowMs = Math.round(Number(opts.window ?? (quick ? 5 : 12)) * 1000);
const concurrency = Number(opts.concurrency);
/**
 * Streams opened and closed on each server before it is measured. With 200, TurboFan was still
 * compiling the connect path during the measured burst (13% of taskstream's CPU samples under
 * perf, and its unoptimised code ran the rest): the bench measures a warmed process, as a server
 * that has been up for a while is. A fresh process's first burst (a deploy) is slower on both.
 */
const warmStreams = Number(opts.warm);
/** The baseline also verifies the JWT, subscribes the user's channel and reads the snapshot, as the contract asks. */
const baselineWork = opts['baseline-work'] ? ('contract' as const) : undefined;
/** Rounds of taskstream vs baseline in the cells with targets: one run of each is at the mercy of the machine. */
const repeat = Math.max(1, Number(opts.repeat ?? (quick ? 1 : 3)));
/** Start each window right after a heartbeat round (default for full runs; costs up to 15 s a run). */
const align = opts['no-align'] ? false : (opts.align ?? !quick);
const wanted = new Set((opts.cell ?? ['a', 'b', 'c', 'd']).flatMap((c) => c.split(',')).map((c) => c.trim()));
for (const c of wanted)
  if (!['a', 'b', 'c', 'd'].includes(c)) throw new Error(`unknown cell ${c} (use a, b, c or d)`);
const cells: Cell[] = fullCells
  .filter((c) => wanted.has(c.name))
  .map((c) => ({
    ...c,
    streams: Math.max(1, Math.round(c.streams * scale)),
    users: Math.max(1, Math.round(c.users * scale)),
    rate: Math.max(1, Math.round(c.rate * scale)),
  }));
const allVariants: Variant[] = [
  'taskstream',
  'taskstream-http',
  'taskstream-batch',
  'taskstream-2p',
  'baseline',
];
const variants: Variant[] = opts.variants
  ? opts.variants.split(',').map((v) => {
      const variant = allVariants.find((known) => known === v.trim());
      if (!variant) throw new Error(`unknown variant ${v} (use ${allVariants.join(', ')})`);
      return variant;
    })
  : opts['no-http']
    ? ['taskstream', 'taskstream-2p', 'baseline']
    : allVariants;
/** Cell (d) is the two-process comparison; the others measure one process against the baseline. */
const variantsOf = (cell: Cell): Variant[] =>
  variants.filter((v) =>
    cell.name === 'd'
      ? v === 'taskstream' || v === 'taskstream-2p' || v === 'baseline'
      : v !== 'taskstream-2p',
  );
const resultsDir = path.join(repoRoot, 'bench', 'results');
const logDir = path.join(resultsDir, '.tmp', 'logs');

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function readHeads(redis: RedisProc, users: string[]): Promise<Record<string, number>> {
  const heads: Record<string, number> = {};
  const chunk = 2000;
  for (let i = 0; i < users.length; i += chunk) {
    const part = users.slice(i, i + chunk);
    const pipeline = redis.client.pipeline();
    for (const u of part) pipeline.hget(keys.meta(u), 'seq');
    const out = (await pipeline.exec()) ?? [];
    part.forEach((u, j) => {
      heads[u] = Number(out[j]?.[1] ?? 0);
    });
  }
  return heads;
}

function authFor(kind: TargetKind): StreamAuth {
  return kind === 'taskstream' || baselineWork ? { kind: 'jwt', secret: JWT_SECRET } : { kind: 'plain' };
}

const clientFile = path.join(repoRoot, 'bench', 'load-client.ts');
const workerFile = path.join(repoRoot, 'bench', 'worker.ts');

/** CPU ms of several processes, read together; a role played by several processes is their sum. */
function cpuOf(pids: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) {
    try {
      out[name] = list.reduce((sum, pid) => sum + cpuMs(pid), 0);
    } catch {
      out[name] = Number.NaN;
    }
  }
  return out;
}

function cpuDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(a)) out[k] = Math.round((b[k] ?? 0) - (a[k] ?? 0));
  return out;
}

const ingestModes: Record<Variant, RunArgs['mode']> = {
  taskstream: 'direct',
  'taskstream-http': 'http',
  'taskstream-batch': 'batch',
  'taskstream-2p': 'direct',
  baseline: 'direct',
};

async function runVariant(cell: Cell, variant: Variant, redis: RedisProc): Promise<Omit<RunRow, 'round'>> {
  const kind: TargetKind = variant === 'baseline' ? 'baseline' : 'taskstream';
  await redis.client.flushall();
  const profDir = opts.profile ? path.join(resultsDir, '.tmp', 'prof') : null;
  if (profDir) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const worker = RpcChild.fork<WorkerApi>(workerFile);
  const client = RpcChild.fork<LoadClientApi>(clientFile);
  let target: TargetProc | null = null;
  let second: TargetProc | null = null;
  try {
    target = await startTarget(kind, {
      redisUrl: redis.url,
      jwtSecret: JWT_SECRET,
      workerToken: WORKER_TOKEN,
      heartbeatMs: HEARTBEAT_MS,
      logFile: path.join(logDir, `${cell.name}-${variant}.log`),
      cpuProfDir: profDir,
      ...(baselineWork ? { baselineWork } : {}),
    });
    if (variant === 'taskstream-2p') {
      second = await startTarget(kind, {
        redisUrl: redis.url,
        jwtSecret: JWT_SECRET,
        workerToken: WORKER_TOKEN,
        heartbeatMs: HEARTBEAT_MS,
        logFile: path.join(logDir, `${cell.name}-${variant}-2.log`),
        cpuProfDir: null,
      });
    }
    const servers = second ? [target, second] : [target];
    const serverRssKB = () => servers.reduce((sum, t) => sum + rssKB(t.pid), 0);
    const pids = {
      server: servers.map((t) => t.pid),
      redis: [redis.pid],
      worker: [worker.pid],
      client: [client.pid],
    };
    const users = Array.from({ length: cell.users }, (_, i) => `u${i}`);
    const streamUsers = Array.from({ length: cell.streams }, (_, i) => users[i % users.length]!);
    const auth = authFor(kind);
    // Warm-up (JIT and first-use allocations are not per-stream memory) while the tasks are made.
    const warmUsers = Array.from({ length: Math.min(warmStreams, cell.streams) }, (_, i) => `warm${i}`);
    const [setup] = await Promise.all([
      worker.call('setup', { redisUrl: redis.url, users, tasksPerUser: cell.tasksPerUser }),
      client.call('warmup', { url: target.url, users: warmUsers, auth, concurrency, timeoutMs: 30_000 }),
    ]);
    log(`  ${variant}: ${setup.tasks} tasks created in ${setup.ms} ms`);
    await sleep(1500);
    const rssBeforeKB = serverRssKB();
    const connectCpu0 = cpuOf(pids);
    const connectFrom = monoNowUs();
    const connect = await client.call('connect', {
      url: target.url,
      ...(second ? { urls: servers.map((t) => t.url) } : {}),
      users: streamUsers,
      auth,
      concurrency,
      timeoutMs: 120_000,
    });
    const connectWindow = { fromUs: connectFrom, toUs: monoNowUs() };
    const connectCpu = cpuDelta(connectCpu0, cpuOf(pids));
    log(
      `  ${variant}: ${connect.connected}/${connect.requested} connected in ${connect.connectMs} ms` +
        (connect.failed ? ` (failures ${JSON.stringify(connect.failures)})` : '') +
        ` · cpu ms ${JSON.stringify(connectCpu)}`,
    );
    await sleep(2000);
    const rssIdleKB = serverRssKB();
    // Start the window just after a heartbeat round (both servers beat every HEARTBEAT_MS), so that
    // no heartbeat — nor taskstream's per-heartbeat head check — falls into either CPU window.
    await client.call('resetBeats', null);
    const beatCpu0 = cpuOf(pids);
    const beatWaitStart = performance.now();
    while (align && performance.now() - beatWaitStart < HEARTBEAT_MS + 5000) {
      const st = await client.call('status', null);
      if (st.streamsWithHeartbeat >= connect.connected - st.closedStreams) break;
      await sleep(20);
    }
    // The round's tail (taskstream's head check answers 10,000 HMGETs after the beats are out)
    // must end before the window starts: 1.5 s, and the window still ends before the next round.
    await sleep(align ? BEAT_SETTLE_MS : 200);
    // With alignment, this span is idle but for one heartbeat round: its CPU is the round's cost.
    const beatRoundCpu = align ? cpuDelta(beatCpu0, cpuOf(pids)) : null;

    const startHeads = await readHeads(redis, users);
    await client.call('start', { startHeads });
    const sampler = rssSampler(target.pid, 250);
    const cpu0 = cpuOf(pids);
    const windowFrom = monoNowUs();
    const t0 = performance.now();
    const run = await worker.call('run', {
      mode: ingestModes[variant],
      rate: cell.rate,
      durationMs: windowMs,
      maxInFlight: variant === 'taskstream-http' ? 128 : 512,
      url: target.url,
      workerToken: WORKER_TOKEN,
    });
    // Wait for everything published to arrive: until all expected deliveries are in, or nothing
    // has moved for 3 s (what is missing then is lost), at most 60 s.
    const drainStart = performance.now();
    const endHeads = await readHeads(redis, users);
    let expected = 0;
    const perUser = new Map<string, number>();
    for (const u of streamUsers) perUser.set(u, (perUser.get(u) ?? 0) + 1);
    for (const [u, n] of perUser) expected += n * ((endHeads[u] ?? 0) - (startHeads[u] ?? 0));
    let last = -1;
    let lastMoved = performance.now();
    for (;;) {
      const st = await client.call('status', null);
      if (st.unique >= expected) break;
      if (st.unique !== last) {
        last = st.unique;
        lastMoved = performance.now();
      } else if (performance.now() - lastMoved > 3000) break;
      if (performance.now() - drainStart > 60_000) break;
      await sleep(50);
    }
    const drainMs = Math.round(performance.now() - drainStart);
    const windowCpu = cpuDelta(cpu0, cpuOf(pids));
    const deliveryWindow = { fromUs: windowFrom, toUs: monoNowUs() };
    const elapsed = performance.now() - t0;
    const rssPeakKB = sampler.stop();
    const finish = await client.call('finish', { endHeads });
    const usedMs = windowCpu.server ?? 0;
    const row: Omit<RunRow, 'round'> = {
      cell,
      variant,
      connect,
      connectCpu,
      windowCpu,
      beatRoundCpu,
      rssBeforeKB,
      rssIdleKB,
      rssPeakKB,
      rssPerIdleStreamKB: connect.connected ? (rssIdleKB - rssBeforeKB) / connect.connected : 0,
      cpuMs: usedMs,
      cpuUsPerDelivery: finish.deliveries ? (usedMs * 1000) / finish.deliveries : 0,
      windowMs: Math.round(elapsed),
      deliveriesPerS: Math.round((finish.deliveries / run.elapsedMs) * 1000),
      finish,
      worker: run,
      drainMs,
      profiles: null,
    };
    log(
      `  ${variant}: ${finish.deliveries}/${finish.expected} deliveries, p50/p99/max ` +
        `${finish.latency.p50}/${finish.latency.p99}/${finish.latency.max} ms, lost ${finish.lost}, ` +
        `dup ${finish.duplicated}, cpu ${row.cpuUsPerDelivery.toFixed(1)} µs/delivery, ` +
        `rss ${row.rssPerIdleStreamKB.toFixed(1)} KB/stream, worker ${run.achievedRate}/s ` +
        `(${run.errors} errors${run.firstError ? `: ${run.firstError}` : ''}) · cpu ms ${JSON.stringify(windowCpu)}`,
    );
    // Ending the client process closes every stream at once (destroying 10,000 requests one by
    // one in JS costs seconds of agent bookkeeping); then the server stops gracefully.
    await client.stop();
    await Promise.all(servers.map((t) => t.stop()));
    if (profDir) {
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const full = path.join(profDir, file);
        row.profiles = {
          connect: summariseProfile(full, { root: repoRoot, window: connectWindow }),
          delivery: summariseProfile(full, { root: repoRoot, window: deliveryWindow }),
        };
        const keep = path.join(resultsDir, '.tmp', `${cell.name}-${variant}.cpuprofile`);
        renameSync(full, keep);
        log(`  ${variant}: CPU profile kept at ${path.relative(repoRoot, keep)}`);
      }
    }
    return row;
  } finally {
    await client.stop();
    await worker.call('close', null).catch(() => null);
    await worker.stop();
    await target?.stop();
    await second?.stop();
  }
}

/** One reader and one stalled stream of the same user while padded events flow at 1,000/s. */
async function stallCheck(kind: TargetKind, redis: RedisProc): Promise<StallRow> {
  await redis.client.flushall();
  const target = await startTarget(kind, {
    redisUrl: redis.url,
    jwtSecret: JWT_SECRET,
    workerToken: WORKER_TOKEN,
    heartbeatMs: HEARTBEAT_MS,
    logFile: path.join(logDir, `stall-${kind}.log`),
    cpuProfDir: null,
  });
  const worker = RpcChild.fork<WorkerApi>(workerFile);
  const client = RpcChild.fork<LoadClientApi>(clientFile);
  try {
    const user = 'stall';
    await worker.call('setup', { redisUrl: redis.url, users: [user], tasksPerUser: 10 });
    const auth = authFor(kind);
    await client.call('connect', { url: target.url, users: [user], auth, concurrency: 1, timeoutMs: 10_000 });
    await client.call('stall', { url: target.url, user, auth });
    await sleep(1000);
    const rssBeforeKB = rssKB(target.pid);
    const startHeads = await readHeads(redis, [user]);
    await client.call('start', { startHeads });
    const sampler = rssSampler(target.pid, 100);
    const run = await worker.call('run', {
      mode: 'direct',
      rate: 1000,
      durationMs: quick ? 5000 : 10_000,
      maxInFlight: 64,
      padBytes: STALL_PAD_BYTES,
    });
    await sleep(1000);
    const rssPeakKB = sampler.stop();
    const rssAfterKB = rssKB(target.pid);
    const finish = await client.call('finish', { endHeads: await readHeads(redis, [user]) });
    const stall = await client.call('stallResult', { waitMs: 3000 });
    let slowClientDrops: number | null = null;
    if (kind === 'taskstream') {
      const res = await fetch(`${target.url}/api/health`);
      const body = (await res.json()) as { connectionErrors?: number };
      slowClientDrops = body.connectionErrors ?? null;
    }
    return {
      kind,
      rssBeforeKB,
      rssPeakKB,
      rssAfterKB,
      eventsSent: run.sent,
      bytesToReader: finish.bytes,
      readerDeliveries: finish.deliveries,
      readerP99: finish.latency.p99,
      stall,
      slowClientDrops,
    };
  } finally {
    await client.stop();
    await worker.call('close', null).catch(() => null);
    await worker.stop();
    await target.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const variantLabel: Record<Variant, string> = {
  taskstream: 'taskstream',
  'taskstream-http': 'taskstream (HTTP ingest)',
  'taskstream-batch': 'taskstream (HTTP batch ingest)',
  'taskstream-2p': 'taskstream, 2 processes',
  baseline: baselineWork ? 'baseline + contract work' : 'baseline',
};

function table(rows: RunRow[]): string {
  const head =
    '| cell | server | connected | connect s | p50 ms | p99 ms | max ms | deliveries/s | lost | dup | dropped streams | CPU µs/delivery | RSS KB/idle stream | worker events/s |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) =>
    [
      r.cell.name,
      `${variantLabel[r.variant]}${r.round > 1 ? ` #${r.round}` : ''}`,
      `${fmt(r.connect.connected)}/${fmt(r.connect.requested)}`,
      (r.connect.connectMs / 1000).toFixed(2),
      fmt(r.finish.latency.p50),
      fmt(r.finish.latency.p99),
      fmt(r.finish.latency.max),
      fmt(r.deliveriesPerS),
      fmt(r.finish.lost),
      fmt(r.finish.duplicated),
      fmt(r.finish.closedStreams),
      r.cpuUsPerDelivery.toFixed(1),
      r.rssPerIdleStreamKB.toFixed(1),
      `${fmt(r.worker.achievedRate)}${r.worker.errors ? ` (${r.worker.errors} err)` : ''}`,
    ].join(' | '),
  );
  return [head, ...lines.map((l) => `| ${l} |`)].join('\n');
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of `f` over the runs of `variant` in `cell` (one run: its value). */
function med(rows: RunRow[], cell: Cell, variant: Variant, f: (r: RunRow) => number): number {
  return median(rows.filter((r) => r.cell.name === cell.name && r.variant === variant).map(f));
}

const connectS = (r: RunRow) => r.connect.connectMs / 1000;
const connectCpuUs = (r: RunRow) => ((r.connectCpu.server ?? Number.NaN) * 1000) / r.connect.connected;
const p99Of = (r: RunRow) => r.finish.latency.p99;

function ratios(rows: RunRow[]): string {
  const out = [
    '| cell | runs each | connect time | server CPU per connect | CPU/delivery | p50 | p99 | max | RSS/idle stream |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const cell of cells) {
    const runs = rows.filter((r) => r.cell.name === cell.name && r.variant === 'taskstream').length;
    if (!runs || !rows.some((r) => r.cell.name === cell.name && r.variant === 'baseline')) continue;
    const r = (f: (x: RunRow) => number) =>
      ratio(med(rows, cell, 'taskstream', f), med(rows, cell, 'baseline', f));
    out.push(
      `| ${cell.name} | ${runs} | ${r(connectS)} | ${r(connectCpuUs)} | ${r((x) => x.cpuUsPerDelivery)} | ` +
        `${r((x) => x.finish.latency.p50)} | ${r(p99Of)} | ${r((x) => x.finish.latency.max)} | ${r((x) => x.rssPerIdleStreamKB)} |`,
    );
  }
  return out.join('\n');
}

/** Cell (d): what a second process on the same Redis adds. */
function scaling(rows: RunRow[]): string {
  const one = rows.find((r) => r.cell.name === 'd' && r.variant === 'taskstream');
  const two = rows.find((r) => r.cell.name === 'd' && r.variant === 'taskstream-2p');
  if (!one || !two) return '';
  return [
    '| processes | deliveries/s | p50 / p99 ms | server CPU ms in window (all processes) | worker events/s |',
    '|---|---|---|---|---|',
    ...[one, two].map(
      (r) =>
        `| ${r === one ? 1 : 2} | ${fmt(r.deliveriesPerS)} | ${r.finish.latency.p50} / ${r.finish.latency.p99} | ${fmt(r.cpuMs)} | ${fmt(r.worker.achievedRate)} |`,
    ),
    '',
    `Two processes ÷ one: deliveries/s ${ratio(two.deliveriesPerS, one.deliveriesPerS)}, p99 ${ratio(two.finish.latency.p99, one.finish.latency.p99)}.`,
  ].join('\n');
}

/** Server CPU per update that HTTP ingestion adds over the direct path, in the same cell. */
function ingestion(rows: RunRow[]): string {
  const out = [
    '| cell | route | updates | requests | server CPU ms/update, direct | server CPU ms/update, over HTTP | ingestion ms/update (difference) |',
    '|---|---|---|---|---|---|---|',
  ];
  const perUpdate = (r: RunRow) => (r.worker.sent ? r.cpuMs / r.worker.sent : Number.NaN);
  for (const cell of cells) {
    const direct = rows.find((r) => r.cell.name === cell.name && r.variant === 'taskstream');
    if (!direct) continue;
    for (const r of rows.filter(
      (x) =>
        x.cell.name === cell.name && (x.variant === 'taskstream-http' || x.variant === 'taskstream-batch'),
    )) {
      out.push(
        `| ${cell.name} | ${variantLabel[r.variant]} | ${fmt(r.worker.sent)} | ${fmt(r.worker.requests)} | ` +
          `${perUpdate(direct).toFixed(3)} | ${perUpdate(r).toFixed(3)} | ${(perUpdate(r) - perUpdate(direct)).toFixed(3)} |`,
      );
    }
  }
  return out.join('\n');
}

/** The targets, each against the baseline in the same run (medians when cells were repeated). */
function targetChecks(rows: RunRow[]): string {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  for (const cell of cells.filter((c) => c.targets)) {
    const mine = rows.filter((r) => r.cell.name === cell.name && r.variant === 'taskstream');
    if (!mine.length) continue;
    const all = mine.every((r) => r.connect.connected === r.connect.requested);
    const lost = mine.reduce((n, r) => n + r.finish.lost, 0);
    const duplicated = mine.reduce((n, r) => n + r.finish.duplicated, 0);
    out.push(`- (${cell.name}) all connected in every run: ${mark(all)}`);
    out.push(
      `- (${cell.name}) 0 lost, 0 duplicated: ${mark(lost === 0 && duplicated === 0)} (${lost} lost, ${duplicated} duplicated)`,
    );
    if (!rows.some((r) => r.cell.name === cell.name && r.variant === 'baseline')) continue;
    const check = (what: string, f: (r: RunRow) => number, limit: number, unit: (v: number) => string) => {
      const ts = med(rows, cell, 'taskstream', f);
      const base = med(rows, cell, 'baseline', f);
      const r = ts / base;
      out.push(
        `- (${cell.name}) ${what} ≤ ${limit}× the baseline's: ${mark(r <= limit)} (${r.toFixed(2)}×: ${unit(ts)} vs ${unit(base)})`,
      );
    };
    check('connect time', connectS, 1.3, (v) => `${v.toFixed(2)} s`);
    check(
      'RSS per idle stream',
      (r) => r.rssPerIdleStreamKB,
      1.5,
      (v) => `${v.toFixed(1)} KB`,
    );
    check(
      'CPU per delivery',
      (r) => r.cpuUsPerDelivery,
      1.15,
      (v) => `${v.toFixed(1)} µs`,
    );
    check('p99 latency', p99Of, 2, (v) => `${v} ms`);
  }
  return out.join('\n');
}

function details(rows: RunRow[]): string {
  const cpu = (c: Record<string, number>) =>
    ['server', 'redis', 'worker', 'client'].map((k) => fmt(c[k] ?? Number.NaN)).join(' / ');
  const out = [
    '| cell | server | p90 / p99.9 / mean ms | expected | closed streams | live gaps | heartbeats | CPU ms while connecting: server / redis / worker / client | CPU ms in window: server / redis / worker / client | server CPU ms, one heartbeat round (idle streams) | RSS before → idle → peak MB | median connect request ms | drain ms | worker p50/p99 update ms, max backlog |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    out.push(
      `| ${r.cell.name} | ${variantLabel[r.variant]}${r.round > 1 ? ` #${r.round}` : ''} | ${r.finish.latency.p90} / ${r.finish.latency.p999} / ${r.finish.latency.mean} | ` +
        `${fmt(r.finish.expected)} | ${r.finish.closedStreams} | ${r.finish.liveGaps} | ${fmt(r.finish.heartbeats)} | ` +
        `${cpu(r.connectCpu)} | ${cpu(r.windowCpu)} | ${r.beatRoundCpu ? fmt(r.beatRoundCpu.server ?? Number.NaN) : '–'} | ` +
        `${mb(r.rssBeforeKB)} → ${mb(r.rssIdleKB)} → ${mb(r.rssPeakKB)} | ${r.connect.medianRequestMs} | ${r.drainMs} | ` +
        `${r.worker.p50UpdateMs} / ${r.worker.p99UpdateMs}, ${r.worker.maxBehind} |`,
    );
  }
  return out.join('\n');
}

function stallTable(rows: StallRow[]): string {
  const out = [
    '| server | events sent (≈8.5 KB each) | RSS before MB | RSS peak MB | RSS after MB | stalled stream dropped by server | MB still queued for the stalled stream when it read again | reader got | reader p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const mb = (kb: number) => (kb / 1024).toFixed(1);
    const dropped = r.stall.closedByServer
      ? `yes${r.slowClientDrops !== null ? ` (slow-client drops: ${r.slowClientDrops})` : ''}`
      : 'no';
    out.push(
      `| ${r.kind} | ${fmt(r.eventsSent)} | ${mb(r.rssBeforeKB)} | ${mb(r.rssPeakKB)} | ${mb(r.rssAfterKB)} | ${dropped} | ` +
        `${(r.stall.bytesAfterResume / 1e6).toFixed(1)} | ` +
        `${fmt(r.readerDeliveries)} events, ${(r.bytesToReader / 1e6).toFixed(1)} MB | ${r.readerP99} |`,
    );
  }
  return out.join('\n');
}

function profileSection(rows: RunRow[]): string {
  const parts: string[] = [];
  for (const r of rows) {
    if (!r.profiles) continue;
    for (const [phase, p] of [
      ['connecting', r.profiles.connect],
      ['delivering (the window)', r.profiles.delivery],
    ] as const) {
      parts.push(
        `### CPU profile: cell ${r.cell.name}, ${variantLabel[r.variant]}${r.round > 1 ? ` #${r.round}` : ''}, ${phase} — ${fmt(p.totalMs)} ms sampled`,
        '',
        p.categories.map((c) => `${c.category} ${(c.share * 100).toFixed(1)}%`).join(' · '),
        '',
        '| self ms | share | function | where |',
        '|---|---|---|---|',
        ...p.top.map((e) => `| ${e.selfMs} | ${(e.share * 100).toFixed(1)}% | ${e.fn} | ${e.where} |`),
        '',
      );
    }
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg();
  const limit = openFilesLimit();
  const biggest = Math.max(...cells.map((c) => c.streams));
  if (limit < biggest + 500) {
    log(`WARNING: ulimit -n is ${limit}; ${biggest} streams need more (raise it before npm run bench)`);
  }
  mkdirSync(logDir, { recursive: true });
  log(
    `${quick ? 'quick (1/10 scale)' : 'full'} run: cells ${cells.map((c) => c.name).join(',')}, ` +
      `window ${windowMs / 1000} s, ulimit -n ${limit}, ${cpus().length} CPUs`,
  );
  const rows: RunRow[] = [];
  for (const cell of cells) {
    log(`cell ${cell.name}: ${cell.streams} streams / ${cell.users} users / ${cell.rate} events/s`);
    const redis = await startRedis();
    try {
      const rounds = cell.targets ? repeat : 1;
      for (let round = 1; round <= rounds; round++) {
        for (const variant of variantsOf(cell)) {
          if (round > 1 && variant !== 'taskstream' && variant !== 'baseline') continue;
          rows.push({ ...(await runVariant(cell, variant, redis)), round });
        }
      }
    } finally {
      await redis.stop();
    }
  }
  const stalls: StallRow[] = [];
  if (!opts['no-stall']) {
    log('stalled-client check');
    const redis = await startRedis();
    try {
      for (const kind of ['taskstream', 'baseline'] as const) {
        const row = await stallCheck(kind, redis);
        stalls.push(row);
        log(
          `  ${kind}: rss ${(row.rssBeforeKB / 1024).toFixed(1)} → peak ${(row.rssPeakKB / 1024).toFixed(1)} MB, ` +
            `stalled stream dropped: ${row.stall.closedByServer}`,
        );
      }
    } finally {
      await redis.stop();
    }
  }
  const totalS = Math.round((performance.now() - started) / 1000);

  const title = quick ? 'quick run (1/10 scale)' : 'full run';
  const md = [
    `# taskstream bench — ${title}`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}) · ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB · server, redis-server, worker and load client share the machine · ` +
      `window ${windowMs / 1000} s per run · took ${totalS} s · load average (1 min) ${loadBefore[0]?.toFixed(1)} at start, ` +
      `${loadavg()[0]?.toFixed(1)} at end (other work on the machine competes for the same 2 cores)`,
    '',
    'Cells:',
    ...cells.map(
      (c) =>
        `- (${c.name}) ${quick ? `1/10 of: ${c.title} → ${c.streams} streams, ${c.users} users, ${c.rate} events/s` : c.title}`,
    ),
    '',
    'Latency = receive time − task.updatedAt (set by the worker just before its Redis write). CPU = server utime+stime over the window ÷ deliveries. ' +
      'RSS per idle stream = (RSS with N idle streams − RSS before) ÷ N. Lost/duplicated: every stream must see each seq of its user in (head at start, head at end] exactly once. ' +
      '"taskstream (HTTP ingest)" drives the same updates through POST /api/tasks/:id/progress, so its server CPU includes ingestion; ' +
      '"taskstream (HTTP batch ingest)" sends them gathered over 10 ms through POST /api/worker/progress. ' +
      'Dropped streams: closed by the server during the window (taskstream drops a stream whose unsent buffer passes 1 MiB; a real client would reconnect and replay, this load client does not, so their events count as lost). ' +
      'Heartbeats: each window starts 1.5 s after a heartbeat round (full runs), once its work (taskstream: the head check) is over, so none should fall into it; the Details table counts any that did and gives the CPU of one round.',
    '',
    table(rows),
    '',
    '## taskstream ÷ baseline',
    '',
    'Medians over the runs of each (cells a and b alternate taskstream and the baseline; see --repeat). Connect time is wall time with 500 requests in flight, bound by whichever of server and load client saturates first; server CPU per connect is what the server spent.',
    '',
    ratios(rows),
    '',
    ...(rows.some((r) => r.variant === 'taskstream-2p')
      ? ['## Two processes on one Redis (cell d)', '', scaling(rows), '']
      : []),
    ...(rows.some((r) => r.variant === 'taskstream-http' || r.variant === 'taskstream-batch')
      ? ['## HTTP ingestion', '', ingestion(rows), '']
      : []),
    ...(cells.some((c) => c.targets)
      ? ['## Targets (cells a, b; taskstream against the baseline)', '', targetChecks(rows), '']
      : []),
    ...(quick ? ['(quick run: targets are for the full scale; shown for orientation)', ''] : []),
    ...(stalls.length
      ? [
          '## Stalled client',
          '',
          'One stream stops reading (a raw socket that is never read) while a second stream of the same user reads 1,000 padded events/s (≈8 MB/s); server RSS sampled every 100 ms. taskstream cuts the stalled stream off once its unsent buffer passes MAX_STREAM_BUFFER_BYTES (1 MiB); the baseline has no such bound and keeps everything queued (in its heap and the socket buffers), which the "still queued" column shows when the stalled client finally reads. Part of the RSS growth on both is the heap churn of parsing and framing 8 MB/s, not buffering.',
          '',
          stallTable(stalls),
          '',
        ]
      : []),
    '## Details',
    '',
    details(rows),
    '',
    profileSection(rows),
  ].join('\n');

  mkdirSync(resultsDir, { recursive: true });
  const allCells = cells.length === fullCells.length;
  const name = quick
    ? 'latest-quick.md'
    : allCells
      ? 'latest.md'
      : `latest-${cells.map((c) => c.name).join('')}.md`;
  writeFileSync(path.join(resultsDir, name), md);
  writeFileSync(
    path.join(resultsDir, name.replace(/\.md$/, '.json')),
    JSON.stringify({ quick, windowMs, totalS, rows, stalls }, null, 2),
  );
  process.stdout.write(`\n${md}\n`);
  log(`wrote bench/results/${name} (${totalS} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
