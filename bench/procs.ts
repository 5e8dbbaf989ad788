import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { buildServer, serverBundle } from '../scripts/build-server';
import { freePort } from '../server/test-support/redis-server';
import { track } from './children';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in ms (from /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks;
}

/** Resident set size in KB (VmRSS from /proc/<pid>/status). */
export function rssKB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : 0;
}

/** Samples RSS every `everyMs` until stopped; returns the peak. */
export function rssSampler(pid: number, everyMs = 100): { stop(): number } {
  let peak = rssKB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKB(pid));
    } catch {
      // process gone
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rssKB(pid));
      } catch {
        // process gone
      }
      return peak;
    },
  };
}

/** The soft open-files limit this process (and so every child) has. */
export function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

async function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export interface RedisProc {
  url: string;
  pid: number;
  client: Redis;
  stop(): Promise<void>;
}

/**
 * A redis-server of our own on a free port, with no persistence at all: the test helper's
 * `RedisServerProcess.start()` turns on `appendfsync always`, which would put an fsync into
 * every event's publish path and measure the disk instead of the server.
 */
export async function startRedis(): Promise<RedisProc> {
  const port = await freePort();
  const dir = path.join(repoRoot, 'bench', 'results', '.tmp');
  mkdirSync(dir, { recursive: true });
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') {
        probe.disconnect();
        break;
      }
    } catch {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('redis-server did not start');
    }
    await sleep(50);
  }
  const client = new Redis(url);
  return {
    url,
    pid: child.pid ?? 0,
    client,
    async stop() {
      client.disconnect();
      child.kill('SIGTERM');
      await waitExit(child, 5000);
    },
  };
}

export type TargetKind = 'taskstream' | 'baseline';

export interface TargetProc {
  kind: TargetKind;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface TargetOptions {
  redisUrl: string;
  jwtSecret: string;
  workerToken: string;
  heartbeatMs: number;
  logFile: string;
  /** Directory for `node --cpu-prof` output, or null. */
  cpuProfDir: string | null;
  /** The baseline does the contract's per-connect work too (see bench/baseline-server.ts). */
  baselineWork?: 'contract';
}

const baselineBundle = path.join(repoRoot, 'bench', 'results', '.tmp', 'baseline-server.js');
let built: Promise<void> | null = null;

/**
 * Both servers run as plain `node` on an esbuild bundle, as `npm start` runs taskstream in
 * production: through tsx, every arrow function esbuild names (keepNames) carries a dictionary of
 * properties, about 0.75 KB per idle stream that a deployment never pays.
 */
export function buildTargets(): Promise<void> {
  built ??= Promise.all([
    buildServer(),
    buildServer(path.join(repoRoot, 'bench', 'baseline-server.ts'), baselineBundle),
  ]).then(() => undefined);
  return built;
}

/** Spawns taskstream (`node dist-server/index.js`, as `npm start`) or the baseline, and waits until it answers. */
export async function startTarget(kind: TargetKind, o: TargetOptions): Promise<TargetProc> {
  await buildTargets();
  const port = await freePort();
  const execArgs: string[] = [];
  if (o.cpuProfDir) execArgs.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`);
  if (process.env.BENCH_NODE_ARGS) execArgs.push(...process.env.BENCH_NODE_ARGS.split(' '));
  const script = kind === 'taskstream' ? serverBundle : baselineBundle;
  mkdirSync(path.dirname(o.logFile), { recursive: true });
  const log = openSync(o.logFile, 'w');
  const child = track(
    spawn(process.execPath, [...execArgs, script], {
      cwd: repoRoot,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: o.redisUrl,
        JWT_SECRET: o.jwtSecret,
        WORKER_TOKEN: o.workerToken,
        MAX_STREAMS_PER_USER: '100000',
        HEARTBEAT_MS: String(o.heartbeatMs),
        LOG_LEVEL: 'warn',
        ...(o.baselineWork ? { BASELINE_WORK: o.baselineWork } : {}),
      },
    }),
  );
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const health = kind === 'taskstream' ? '/api/health' : '/health';
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited at start; see ${o.logFile}`);
    try {
      const res = await fetch(url + health);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not become healthy; see ${o.logFile}`);
    }
    await sleep(100);
  }
  return {
    kind,
    url,
    pid: child.pid ?? 0,
    logFile: o.logFile,
    async stop() {
      child.kill('SIGTERM');
      await waitExit(child, 15_000);
    },
  };
}
