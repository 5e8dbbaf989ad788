import type { Socket } from 'node:net';
import type { Response } from 'express';
import { frameJson, frameRetry } from './framer';

export type StreamEndReason =
  | 'client-closed'
  | 'slow-client'
  | 'task-finished'
  | 'auth-expired'
  | 'shutdown'
  | 'error';

export interface SseStreamOptions {
  userId: string;
  /** Unsent bytes past which the client is cut off; it reconnects and resumes by id. */
  maxBufferBytes: number;
  retryMs: number;
}

/**
 * Frames go straight to the socket as HTTP/1.1 chunks once the headers are out: Express gives every
 * `res` its own hidden class (Object.setPrototypeOf per request), so each `res.write` runs Node's
 * http internals megamorphically — 2× the CPU per delivery of a plain node:http response. The
 * chunk of the last frame is kept, since a broadcast writes the same frame to many streams in a row.
 */
let lastFrame = '';
let lastChunk = '';
function chunkOf(frame: string): string {
  if (frame !== lastFrame) {
    lastFrame = frame;
    lastChunk = `${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n`;
  }
  return lastChunk;
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/**
 * One open `text/event-stream` response. Writes are synchronous and never queue without bound:
 * a client whose socket stops draining is dropped once its buffer passes `maxBufferBytes`.
 */
export class SseStream {
  readonly userId: string;
  readonly openedAt = Date.now();
  /** Last time the socket buffer was seen empty: the stream is keeping up. */
  lastDrainedAt = Date.now();
  closed = false;
  endReason: StreamEndReason | null = null;
  private readonly closeListeners: Array<(reason: StreamEndReason) => void> = [];
  /** Set once the headers are out, when frames can bypass `res` (chunked, a body, nothing queued in `res`). */
  private socket: Socket | null = null;

  constructor(
    private readonly res: Response,
    private readonly options: SseStreamOptions,
  ) {
    this.userId = options.userId;
    // `res` (not `req`) 'close' fires only when the response is really over.
    res.on('close', () => this.markClosed('client-closed'));
    // The client may have gone while the route was still awaiting (auth, Redis): 'close' has
    // already fired and will not fire again, so the stream would stay registered for ever.
    if (res.destroyed || res.req.socket.destroyed) this.markClosed('client-closed');
  }

  /** Sends the headers and the initial `retry:`; nothing is buffered by proxies or compression. */
  open(): void {
    if (this.closed) return;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.socket?.setNoDelay(true);
    this.write(frameRetry(this.options.retryMs));
    const socket = this.res.socket;
    if (
      socket &&
      this.res.chunkedEncoding &&
      this.res.req.method !== 'HEAD' &&
      this.res.writableLength === socket.writableLength
    ) {
      this.socket = socket;
    }
  }

  /** Bytes written but not yet accepted by the socket. */
  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  write(chunk: string): void {
    if (this.closed) return;
    const socket = this.socket;
    if (socket) {
      // As http's own write does: what is written in one tick leaves in one writev.
      if (!socket.writableCorked) {
        socket.cork();
        process.nextTick(uncork, socket);
      }
      socket.write(chunkOf(chunk));
    } else {
      this.res.write(chunk);
    }
    const buffered = socket ? socket.writableLength : this.res.writableLength;
    if (buffered === 0) this.lastDrainedAt = Date.now();
    else if (buffered > this.options.maxBufferBytes) this.abort('slow-client');
  }

  send(name: Parameters<typeof frameJson>[0], value: unknown, id?: string): void {
    this.write(frameJson(name, value, id));
  }

  /** Ends the response cleanly after what was written. */
  end(reason: StreamEndReason, retryMs?: number): void {
    if (this.closed) return;
    if (retryMs !== undefined) this.res.write(frameRetry(retryMs));
    this.markClosed(reason);
    this.res.end();
  }

  /** Drops the connection at once, discarding what is buffered. */
  abort(reason: StreamEndReason): void {
    if (this.closed) return;
    this.markClosed(reason);
    this.res.destroy();
  }

  /** Runs `listener` when the stream closes — at once if it already has (a late listener must not miss it). */
  onClose(listener: (reason: StreamEndReason) => void): void {
    if (this.closed) listener(this.endReason ?? 'client-closed');
    else this.closeListeners.push(listener);
  }

  private markClosed(reason: StreamEndReason): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    for (const listener of this.closeListeners) listener(reason);
  }
}
