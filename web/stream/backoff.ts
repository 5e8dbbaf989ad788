export interface BackoffOptions {
  /** First ceiling, in ms (1 s). Ceilings double per attempt. */
  baseMs: number;
  /** Largest ceiling, in ms (30 s). */
  capMs: number;
  /** Least delay, in ms: the server's `retry:` base. */
  floorMs: number;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a uniform delay in [0, min(cap, base·2^attempt)], never under the floor, so that clients that
 * dropped together do not come back together. `attempt` counts consecutive failures from 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(1, attempt));
  return Math.min(options.capMs, Math.max(options.floorMs, Math.round(random() * ceiling)));
}
