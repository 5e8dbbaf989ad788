import { frameJson } from './framer';
import type { SseStream, StreamEndReason } from './sse-stream';

export interface ConnectionStats {
  active: number;
  total: number;
  healthy: number;
  unhealthy: number;
  stale: number;
}

/** setTimeout fires at once past 2^31-1 ms: a later expiry is waited for in steps of this. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Every open stream of this process: per-user limits, the one heartbeat timer and the one session
 * expiry timer for all of them, health figures (seed 002) and draining on shutdown.
 */
export class StreamRegistry {
  private readonly streams = new Set<SseStream>();
  private readonly perUser = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private totalOpened = 0;
  private closedCount = 0;
  private closedDurationMs = 0;
  errors = 0;
  /**
   * Set by `drain()`: `server.close()` stops new connections, not new requests on connections
   * already open, and a stream opened after the drain would stay open until the hard timeout.
   */
  draining = false;
  private readonly heartbeatListeners: Array<() => void> = [];
  /**
   * Streams by the moment their session ends. JWT expiries are whole seconds, so streams opened in
   * the same burst share a bucket; one timer waits for the earliest, instead of a timer per stream.
   */
  private readonly expiring = new Map<number, Set<SseStream>>();
  /** The keys of `expiring`, ascending. */
  private expiryOrder: number[] = [];
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiryTimerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly options: { heartbeatMs: number; maxStreamsPerUser: number }) {}

  get size(): number {
    return this.streams.size;
  }

  /** Bytes written to streams and not yet taken by their sockets, summed (bounded per stream). */
  bufferedBytes(): number {
    let n = 0;
    for (const s of this.streams) n += s.bufferedBytes;
    return n;
  }

  countFor(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  hasRoomFor(userId: string): boolean {
    return this.countFor(userId) < this.options.maxStreamsPerUser;
  }

  add(stream: SseStream): void {
    this.streams.add(stream);
    this.totalOpened++;
    this.perUser.set(stream.userId, this.countFor(stream.userId) + 1);
    if (!this.timer) this.startHeartbeat();
    this.expireAt(stream);
    // Last: a stream whose client already left is removed at once (and may stop the heartbeat).
    stream.onClose(this);
  }

  /** A stream of this registry closed (see `add`). */
  streamClosed(reason: StreamEndReason, stream: SseStream): void {
    this.remove(stream, reason);
  }

  private remove(stream: SseStream, reason: StreamEndReason): void {
    if (!this.streams.delete(stream)) return;
    const left = this.countFor(stream.userId) - 1;
    if (left > 0) this.perUser.set(stream.userId, left);
    else this.perUser.delete(stream.userId);
    this.closedCount++;
    this.closedDurationMs += Date.now() - stream.openedAt;
    if (reason === 'slow-client' || reason === 'error') this.errors++;
    const bucket = this.expiring.get(stream.expiresAt);
    if (bucket?.delete(stream) && bucket.size === 0) this.dropBucket(stream.expiresAt);
    if (this.streams.size === 0) this.stopHeartbeat();
  }

  private expireAt(stream: SseStream): void {
    const at = stream.expiresAt;
    if (!Number.isFinite(at)) return;
    let bucket = this.expiring.get(at);
    if (!bucket) {
      bucket = new Set();
      this.expiring.set(at, bucket);
      this.expiryOrder.splice(this.insertionPoint(at), 0, at);
    }
    bucket.add(stream);
    if (at < this.expiryTimerAt) this.armExpiry();
  }

  private insertionPoint(at: number): number {
    const order = this.expiryOrder;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private dropBucket(at: number): void {
    this.expiring.delete(at);
    this.expiryOrder.splice(this.insertionPoint(at), 1);
  }

  /** (Re)sets the one expiry timer for the earliest bucket; none when nothing expires. */
  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryTimerAt = Number.POSITIVE_INFINITY;
    const next = this.expiryOrder[0];
    if (next === undefined) return;
    this.expiryTimerAt = next;
    this.expiryTimer = setTimeout(
      () => this.expireDue(),
      Math.min(Math.max(0, next - Date.now()), LONGEST_TIMER_MS),
    );
    this.expiryTimer.unref();
  }

  /** The session ran out: `auth-expired` first, so the client signs in again and resumes by id. */
  private expireDue(): void {
    const now = Date.now();
    for (let at = this.expiryOrder[0]; at !== undefined && at <= now; at = this.expiryOrder[0]) {
      // Ending a stream removes it from its bucket (and the bucket once empty): iterate a copy.
      for (const stream of [...(this.expiring.get(at) ?? [])]) {
        stream.send('auth-expired', {});
        stream.end('auth-expired');
      }
      if (this.expiring.has(at)) this.dropBucket(at);
    }
    this.armExpiry();
  }

  /** Runs on every heartbeat tick, after the heartbeats are written (the bus checks for lost tails). */
  onHeartbeat(listener: () => void): void {
    this.heartbeatListeners.push(listener);
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  private stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One frame for everyone: the heartbeat is built once per tick, not per stream. */
  private beat(): void {
    const frame = frameJson('heartbeat', { serverTime: new Date().toISOString() });
    // A stream still in its opening read has sent nothing yet; its `connected` comes with catch-up.
    for (const stream of this.streams) if (stream.opened) stream.write(frame);
    for (const listener of this.heartbeatListeners) listener();
  }

  stats(now = Date.now()): ConnectionStats & { averageConnectionMs: number; connectionErrors: number } {
    let healthy = 0;
    let unhealthy = 0;
    let stale = 0;
    let openDuration = 0;
    const staleAfter = this.options.heartbeatMs * 2;
    for (const s of this.streams) {
      openDuration += now - s.openedAt;
      if (s.bufferedBytes === 0) healthy++;
      else if (now - s.lastDrainedAt > staleAfter) stale++;
      else unhealthy++;
    }
    const count = this.closedCount + this.streams.size;
    return {
      active: this.streams.size,
      total: this.totalOpened,
      healthy,
      unhealthy,
      stale,
      averageConnectionMs: count ? Math.round((this.closedDurationMs + openDuration) / count) : 0,
      connectionErrors: this.errors,
    };
  }

  /**
   * Shutdown: tell every stream to come back after a random delay within `spreadMs` (so that
   * thousands of clients do not return at once) and end it.
   */
  drain(spreadMs: number): void {
    this.draining = true;
    for (const stream of [...this.streams]) {
      stream.end('shutdown', 500 + Math.floor(Math.random() * spreadMs));
    }
    this.stopHeartbeat();
  }
}
