import { frameJson } from './framer';
import type { SseStream, StreamEndReason } from './sse-stream';

export interface ConnectionStats {
  active: number;
  total: number;
  healthy: number;
  unhealthy: number;
  stale: number;
}

/**
 * Every open stream of this process: per-user limits, the one heartbeat timer for all of them,
 * health figures (seed 002) and draining on shutdown.
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
    // Last: a stream whose client already left is removed at once (and may stop the heartbeat).
    stream.onClose((reason) => this.remove(stream, reason));
  }

  private remove(stream: SseStream, reason: StreamEndReason): void {
    if (!this.streams.delete(stream)) return;
    const left = this.countFor(stream.userId) - 1;
    if (left > 0) this.perUser.set(stream.userId, left);
    else this.perUser.delete(stream.userId);
    this.closedCount++;
    this.closedDurationMs += Date.now() - stream.openedAt;
    if (reason === 'slow-client' || reason === 'error') this.errors++;
    if (this.streams.size === 0) this.stopHeartbeat();
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
    for (const stream of this.streams) stream.write(frame);
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
