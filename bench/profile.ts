import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
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

/** Self time per function (name + file:line) of a `node --cpu-prof` profile, largest first. */
export function topSelfTime(file: string, limit = 25, root = process.cwd()): ProfileEntry[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    // timeDeltas[i] is the time before sample i; attribute the following delta to this sample.
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const byFn = new Map<string, ProfileEntry>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += us;
    const short = url.startsWith('file://') ? path.relative(root, new URL(url).pathname) : url;
    const where = short ? `${short}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFn.get(key) ?? { selfMs: 0, share: 0, fn: functionName || '(anonymous)', where };
    entry.selfMs += us / 1000;
    byFn.set(key, entry);
  }
  const entries = [...byFn.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, limit);
  for (const e of entries) {
    e.share = total ? e.selfMs / (total / 1000) : 0;
    e.selfMs = Math.round(e.selfMs);
  }
  return entries;
}
