import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  selfMs: number;
  share: number;
  fn: string;
  where: string;
}

export interface ProfileSummary {
  /** CPU ms sampled in the window (idle excluded). */
  totalMs: number;
  top: ProfileEntry[];
  /** Self time by where the leaf frame lives (Node core, Express, jose/WebCrypto, ioredis, GC, …). */
  categories: Array<{ category: string; share: number }>;
}

/** A span on the monotonic clock in µs — the clock V8 stamps profile samples with. */
export interface MonoWindow {
  fromUs: number;
  toUs: number;
}

/** Now on the monotonic clock (CLOCK_MONOTONIC, as V8's profiler uses), in µs. */
export function monoNowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

const expressish =
  /node_modules\/(express|router|cookie-parser|body-parser|finalhandler|type-is|content-type|qs|parseurl|on-finished|media-typer|mime-types|accepts|negotiator|vary|fresh|proxy-addr|forwarded|raw-body|iconv-lite|bytes|statuses|http-errors|path-to-regexp|is-promise|cors|cookie)\//;

function categoryOf(fn: string, url: string): string | null {
  if (fn === '(idle)' || fn === '(program)') return null;
  if (fn === '(garbage collector)') return 'garbage collector';
  if (/jose|internal\/crypto|webcrypto|js_transferable/.test(url)) return 'JWT (jose / WebCrypto)';
  if (/ioredis|redis-parser|denque|cluster-key-slot|standard-as-callback/.test(url)) return 'ioredis';
  if (expressish.test(url)) return 'Express + middleware';
  if (/node_modules\/zod/.test(url)) return 'zod';
  if (/node_modules\/(pino|prom-client)/.test(url)) return 'logging / metrics libs';
  if (/tsx|esbuild|internal\/modules|source_map/.test(url)) return 'module loading';
  if (/\/(server|protocol|bench)\//.test(url)) return 'own code (server/, protocol/, bench/)';
  if (url === '' || url.startsWith('node:')) return 'Node core (http, net, streams, timers, natives)';
  return 'other libraries';
}

/**
 * Self time per function (name + file:line) of a `node --cpu-prof` profile, largest first, and by
 * category; only samples inside `window` when given.
 */
export function summariseProfile(
  file: string,
  { limit = 25, root = process.cwd(), window }: { limit?: number; root?: string; window?: MonoWindow } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    // timeDeltas[i] is the time before sample i; the next delta is how long this one ran.
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const byFn = new Map<string, ProfileEntry>();
  const byCategory = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const category = categoryOf(functionName, url);
    if (category === null) continue;
    total += us;
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const short = url.startsWith('file://') ? path.relative(root, new URL(url).pathname) : url;
    const where = short ? `${short}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFn.get(key) ?? { selfMs: 0, share: 0, fn: functionName || '(anonymous)', where };
    entry.selfMs += us;
    byFn.set(key, entry);
  }
  const top = [...byFn.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, limit);
  for (const e of top) {
    e.share = total ? e.selfMs / total : 0;
    e.selfMs = Math.round(e.selfMs / 1000);
  }
  const categories = [...byCategory.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([category, us]) => ({ category, share: total ? us / total : 0 }));
  return { totalMs: Math.round(total / 1000), top, categories };
}
