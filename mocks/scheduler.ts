/**
 * Time for the mocks: a clock (real timers in the browser, a virtual one in unit tests) and a
 * scheduler that plays scripted steps on it. The scheduler never blocks: MSW resolvers return at
 * once and sends happen later on timers.
 */

export type TimerHandle = unknown;

/** Time source and timer for the mocks: real timers in the browser, a virtual clock in unit tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. Timers are looked up on `globalThis` at call time, so `vi.useFakeTimers()`
 * installed after import still drives it.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A virtual clock: nothing happens until `advance(ms)`, which runs due timers in time order. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const seq = ++this.seq;
    this.timers.set(seq, { at: this.time + Math.max(0, ms), seq, fn });
    return seq;
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way (timers may add timers). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: { at: number; seq: number; fn: () => void } | undefined;
      for (const t of this.timers.values()) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.seq);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }
}

interface Job {
  readonly at: number;
  readonly seq: number;
  readonly group: string | undefined;
  readonly fn: () => void;
}

/**
 * Runs callbacks at times on a clock, in (time, insertion) order, with one clock timer at a time.
 * Jobs can be cancelled one by one or by group (a task's remaining steps). Never awaits.
 */
export class Scheduler {
  private readonly jobs: Job[] = [];
  private seq = 0;
  private timer: TimerHandle | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(readonly clock: Clock) {}

  /** Runs `fn` after `delayMs` (0 = on the next timer turn). Returns a cancel function. */
  after(delayMs: number, fn: () => void, group?: string): () => void {
    const job: Job = { at: this.clock.now() + Math.max(0, delayMs), seq: ++this.seq, group, fn };
    let i = this.jobs.length;
    while (i > 0 && this.jobs[i - 1]!.at > job.at) i--;
    this.jobs.splice(i, 0, job);
    this.arm();
    return () => this.remove((j) => j === job);
  }

  /** Runs `fn` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, fn: () => void, group?: string): () => void {
    let cancel = (): void => {};
    let stopped = false;
    const tick = (): void => {
      if (stopped) return;
      cancel = this.after(intervalMs, tick, group);
      fn();
    };
    cancel = this.after(intervalMs, tick, group);
    return () => {
      stopped = true;
      cancel();
    };
  }

  cancelGroup(group: string): void {
    this.remove((j) => j.group === group);
  }

  cancelAll(): void {
    this.jobs.length = 0;
    this.disarm();
  }

  get pending(): number {
    return this.jobs.length;
  }

  private remove(match: (job: Job) => boolean): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) if (match(this.jobs[i]!)) this.jobs.splice(i, 1);
    if (this.jobs.length === 0) this.disarm();
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    const first = this.jobs[0];
    if (!first || (this.timer !== null && this.timerAt <= first.at)) return;
    this.disarm();
    this.timerAt = first.at;
    this.timer = this.clock.setTimeout(() => this.run(), first.at - this.clock.now());
  }

  private run(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    // Run everything due now, including jobs that due jobs add for now.
    while (this.jobs.length > 0 && this.jobs[0]!.at <= now) {
      const job = this.jobs.shift()!;
      job.fn();
    }
    this.arm();
  }
}
