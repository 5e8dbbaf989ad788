import type { ReceivedEvent } from './sse-client';
import { SseClient } from './sse-client';

/** The task event names (the ones with ids). */
const taskEventNames = new Set(['started', 'progress', 'completed', 'failed', 'cancelled']);

/** Small seeded PRNG (mulberry32): load tests must be reproducible from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seqOf(id: string): number {
  return Number(id.slice(id.indexOf('.') + 1));
}

export function epochOf(id: string): string {
  return id.slice(0, id.indexOf('.'));
}

/** Polls `condition` until it holds; for state that has no event to await (registry sizes, counters). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface ChainReport {
  /** Task events received over the whole chain. */
  delivered: number;
  /** Ids received, in order. */
  ids: string[];
  /** Human-readable descriptions of every violation; empty when the chain is exact. */
  gaps: string[];
  duplicates: string[];
  disorder: string[];
  resets: number;
  snapshots: number;
}

/**
 * Checks what one client saw over a chain of connections (each reconnect sent the last id it had).
 * Ids: never repeated; within an epoch each id is the previous one + 1 unless a `snapshot` came in
 * between; a new epoch only after `reset` + `snapshot`. Versions: every task moves by exactly one
 * version per event; after a `snapshot` (which may be a little newer than its position) an event at
 * or below the snapshot's version is allowed — the client ignores it by version — but a jump past
 * it is a lost event, and a task first seen above version 1 was missed.
 */
export function checkChain(events: ReceivedEvent[]): ChainReport {
  const report: ChainReport = {
    delivered: 0,
    ids: [],
    gaps: [],
    duplicates: [],
    disorder: [],
    resets: 0,
    snapshots: 0,
  };
  const seen = new Set<string>();
  let epoch: string | null = null;
  /** Seq of the last event, or null when a snapshot came after it. */
  let last: number | null = null;
  let resetPending = false;
  let known = new Map<string, { version: number; fromSnapshot: boolean }>();
  for (const ev of events) {
    if (ev.event === 'reset') {
      report.resets++;
      resetPending = true;
      continue;
    }
    if (ev.event === 'snapshot') {
      report.snapshots++;
      resetPending = false;
      last = null;
      known = new Map();
      for (const t of ev.json.tasks as Array<{ id: string; version: number }>) {
        known.set(t.id, { version: t.version, fromSnapshot: true });
      }
      continue;
    }
    if (!taskEventNames.has(ev.event)) continue;
    report.delivered++;
    const id = ev.id ?? '';
    report.ids.push(id);
    if (seen.has(id)) report.duplicates.push(id);
    seen.add(id);
    const e = epochOf(id);
    const s = seqOf(id);
    if (resetPending) report.disorder.push(`${id}: event between reset and snapshot`);
    if (last !== null) {
      if (e !== epoch) report.disorder.push(`${id}: new epoch without reset + snapshot`);
      else if (s > last + 1) report.gaps.push(`${id} after ${epoch}.${last}`);
      else if (s <= last) report.disorder.push(`${id} after ${epoch}.${last}`);
    }
    const task = ev.json.task as { id: string; version: number };
    const k = known.get(task.id);
    if (!k) {
      if (task.version !== 1) report.gaps.push(`${id}: task ${task.id} first seen at v${task.version}`);
    } else if (task.version > k.version + 1) {
      report.gaps.push(`${id}: task ${task.id} v${task.version} after v${k.version}`);
    } else if (task.version <= k.version && !k.fromSnapshot) {
      report.disorder.push(`${id}: task ${task.id} v${task.version} after v${k.version}`);
    }
    known.set(task.id, {
      version: Math.max(k?.version ?? 0, task.version),
      fromSnapshot: (k?.fromSnapshot ?? false) && task.version <= (k?.version ?? 0),
    });
    epoch = e;
    last = s;
  }
  return report;
}

export interface ResumingStreamOptions {
  /** Where to (re)connect; called before every attempt, so a test can move the client to another server. */
  url: () => string;
  token: string;
  lastEventId?: string;
  /** Delay before reconnecting after an end or a refused attempt (EventSource's `retry`). */
  retryMs?: number;
  /** The whole follow gives up after this long. */
  maxMs?: number;
}

/**
 * A client that behaves like EventSource: when its stream ends or is refused, it reconnects with
 * the last id it saw — until stopped. Every connection's events are kept, in order.
 */
export class ResumingStream {
  readonly connections: SseClient[] = [];
  /** Attempts that got no stream (connection refused, 503, …), with what happened. */
  readonly refused: string[] = [];
  private stopped = false;
  private lastId: string | undefined;
  private wake: Array<() => void> = [];
  readonly loop: Promise<void>;

  constructor(private readonly options: ResumingStreamOptions) {
    this.lastId = options.lastEventId;
    this.loop = this.run();
  }

  get lastEventId(): string | undefined {
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const id = this.connections[i]?.lastEventId;
      if (id) return id;
    }
    return this.lastId;
  }

  get events(): ReceivedEvent[] {
    return this.connections.flatMap((c) => c.events);
  }

  get taskEvents(): ReceivedEvent[] {
    return this.events.filter((e) => taskEventNames.has(e.event));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const w of wake) w();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async run(): Promise<void> {
    const deadline = Date.now() + (this.options.maxMs ?? 60_000);
    const retryMs = this.options.retryMs ?? 100;
    while (!this.stopped && Date.now() < deadline) {
      let client: SseClient;
      try {
        client = await SseClient.open(this.options.url(), {
          token: this.options.token,
          lastEventId: this.lastEventId,
        });
      } catch (err) {
        this.refused.push((err as Error).message);
        await this.pause(retryMs);
        continue;
      }
      if (client.status !== 200) {
        this.refused.push(`status ${client.status}`);
        client.close();
        await this.pause(retryMs);
        continue;
      }
      this.connections.push(client);
      this.notify();
      await client.done;
      if (this.stopped) break;
      this.notify();
      await this.pause(retryMs);
    }
  }

  /** Resolves once `predicate` holds over every event so far (across reconnects). */
  async until(
    predicate: (events: ReceivedEvent[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (predicate(this.events)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.taskEvents.length} task events)`);
      const current = this.connections.at(-1);
      if (current && !current.ended) {
        await current.until(() => predicate(this.events), left, what).catch(() => undefined);
      } else {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 50));
          this.wake.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.connections) c.close();
    this.notify();
    await this.loop;
  }
}
