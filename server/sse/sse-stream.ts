import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
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
  /** Unsent live bytes past which the client is cut off; it reconnects and resumes by id. Catch-up does not count. */
  maxBufferBytes: number;
  /** No 'drain' for this long while output waits: the client is cut off. Default DEFAULT_STALL_TIMEOUT_MS. */
  stallTimeoutMs?: number;
  retryMs: number;
  /** When the session ends (ms since epoch): the registry's one expiry sweep sends `auth-expired` then. */
  expiresAt: number;
  /** Sent in the `connected` frame that follows `retry:` when the response opens (see `ensureOpen`). */
  heartbeatMs?: number;
}

/**
 * Told once when a stream closes. An object with a method rather than a closure: every open stream
 * has two (its registry and its subscription), and a closure with its context costs ~100 bytes each.
 */
export type CloseListener =
  | ((reason: StreamEndReason) => void)
  | { streamClosed(reason: StreamEndReason, stream: SseStream): void };

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

/** Catch-up goes to the socket in pieces of this many characters, the next one on 'drain'. */
const CATCH_UP_PIECE_CHARS = 64 * 1024;
/** A stream whose socket takes nothing for this long while output waits is dropped (it resumes by id). */
const DEFAULT_STALL_TIMEOUT_MS = 30_000;

interface Queued {
  text: string;
  catchUp: boolean;
}

/**
 * One open `text/event-stream` response. Live frames go straight to the socket; a client whose
 * live backlog passes `maxBufferBytes` is dropped. Catch-up (replay, snapshot) is queued and fed
 * to the socket a piece per 'drain', so a large one is never mistaken for a stalled client; live
 * frames that come meanwhile wait behind it, in order, and do count against the bound.
 */
export class SseStream {
  readonly userId: string;
  /** Open catch-up marks (see `beginCatchUp`); writes while above 0 are catch-up. */
  private catchUpDepth = 0;
  readonly expiresAt: number;
  readonly openedAt = Date.now();
  /** Last time the socket buffer was seen empty: the stream is keeping up. */
  lastDrainedAt = Date.now();
  closed = false;
  /** The headers are out: from here on, a failure can only end the stream, not answer a status. */
  opened = false;
  endReason: StreamEndReason | null = null;
  private closeListener: CloseListener | null = null;
  private moreCloseListeners: CloseListener[] | null = null;
  /** Set once the headers are out, when frames can bypass `res` (chunked, a body, nothing queued in `res`). */
  private socket: Socket | null = null;
  /** Output waiting for the socket to drain, oldest first. */
  private queue: Queued[] = [];
  private queuedChars = 0;
  private queuedLiveChars = 0;
  private waitingForDrain = false;
  private stallTimer: NodeJS.Timeout | null = null;
  /** Set by `end()` while output is still queued: the response ends once it has gone out. */
  private endWhenFlushed: { retryFrame: string | null } | null = null;
  private release: (() => void) | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {
    this.userId = options.userId;
    this.expiresAt = options.expiresAt;
    // `res` (not `req`) 'close' fires only when the response is really over.
    res.on('close', () => {
      this.dropQueue();
      this.endWhenFlushed = null;
      this.markClosed('client-closed');
    });
    // The client may have gone while the route was still awaiting (auth, Redis): 'close' has
    // already fired and will not fire again, so the stream would stay registered for ever.
    if (res.destroyed || res.req.socket.destroyed) this.markClosed('client-closed');
  }

  /**
   * Sends the headers, the initial `retry:` and `preamble` (the `connected` frame) in one write;
   * nothing is buffered by proxies or compression.
   */
  open(preamble: string): void {
    if (this.closed || this.opened) return;
    this.opened = true;
    // Held until `releaseOutput()`: headers, retry, connected and the catch-up that follows (the
    // snapshot, or the replay) leave in one write instead of one per piece.
    const held = this.res.socket;
    if (held && !held.destroyed) {
      held.cork();
      this.release = () => held.uncork();
    }
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.socket?.setNoDelay(true);
    this.write(frameRetry(this.options.retryMs) + preamble);
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

  /** Opens the response (see `open`, with the `connected` frame) unless something written already did. */
  ensureOpen(): void {
    if (this.opened) return;
    const { heartbeatMs } = this.options;
    this.open(
      heartbeatMs === undefined
        ? ''
        : frameJson('connected', { userId: this.userId, serverTime: new Date().toISOString(), heartbeatMs }),
    );
  }

  /**
   * Gives the response back unopened, for an error status instead: the stream counts as closed
   * (its listeners run), the response is left untouched.
   */
  discard(): void {
    if (this.opened) return;
    this.dropQueue();
    this.markClosed('error');
  }

  /** Lets out what `open()` held back; called once catch-up has been written. */
  releaseOutput(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  /** Bytes written but not yet accepted by the socket (queued catch-up included). */
  get bufferedBytes(): number {
    return this.sinkBuffered() + this.queuedChars;
  }

  /**
   * Marks what this stream is sent until the returned function is called as catch-up (replay or
   * reset + snapshot): paced by the socket's drain, never counted against the slow-client bound.
   * The subscription calls it around each catch-up; marks nest.
   */
  beginCatchUp(): () => void {
    this.catchUpDepth += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.catchUpDepth -= 1;
    };
  }

  write(chunk: string): void {
    if (this.closed) return;
    if (!this.opened) this.ensureOpen();
    if (this.catchUpDepth > 0 || this.queue.length > 0) {
      this.enqueue(chunk, this.catchUpDepth > 0);
      return;
    }
    this.toSocket(chunk);
    const buffered = this.sinkBuffered();
    if (buffered === 0) this.lastDrainedAt = Date.now();
    else if (buffered > this.options.maxBufferBytes) this.abort('slow-client');
  }

  send(name: Parameters<typeof frameJson>[0], value: unknown, id?: string): void {
    this.write(frameJson(name, value, id));
  }

  /** Ends the response cleanly after what was written (queued catch-up included). */
  end(reason: StreamEndReason, retryMs?: number): void {
    if (this.closed) return;
    this.ensureOpen();
    const retryFrame = retryMs === undefined ? null : frameRetry(retryMs);
    this.markClosed(reason);
    if (this.queue.length > 0) {
      this.endWhenFlushed = { retryFrame };
      return;
    }
    if (retryFrame) this.res.write(retryFrame);
    this.res.end();
  }

  /** Drops the connection at once, discarding what is buffered. */
  abort(reason: StreamEndReason): void {
    this.dropQueue();
    if (this.closed && !this.endWhenFlushed) return;
    this.endWhenFlushed = null;
    this.markClosed(reason);
    this.res.destroy();
  }

  /** Runs `listener` when the stream closes — at once if it already has (a late listener must not miss it). */
  onClose(listener: CloseListener): void {
    if (this.closed) this.tell(listener, this.endReason ?? 'client-closed');
    else if (!this.closeListener) this.closeListener = listener;
    else if (this.moreCloseListeners) this.moreCloseListeners.push(listener);
    else this.moreCloseListeners = [listener];
  }

  private tell(listener: CloseListener, reason: StreamEndReason): void {
    if (typeof listener === 'function') listener(reason);
    else listener.streamClosed(reason, this);
  }

  private sinkBuffered(): number {
    return this.socket ? this.socket.writableLength : this.res.writableLength;
  }

  /** Writes now; returns false when the socket wants a 'drain' before more. */
  private toSocket(chunk: string): boolean {
    const socket = this.socket;
    if (!socket) return this.res.write(chunk);
    // As http's own write does: what is written in one tick leaves in one writev.
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    return socket.write(chunkOf(chunk));
  }

  private enqueue(text: string, catchUp: boolean): void {
    for (let at = 0; at < text.length; at += CATCH_UP_PIECE_CHARS) {
      const piece = text.length <= CATCH_UP_PIECE_CHARS ? text : text.slice(at, at + CATCH_UP_PIECE_CHARS);
      this.queue.push({ text: piece, catchUp });
    }
    this.queuedChars += text.length;
    if (!catchUp) {
      this.queuedLiveChars += text.length;
      // What the socket holds meanwhile is catch-up, at most a piece of it: only queued live frames count.
      if (this.queuedLiveChars > this.options.maxBufferBytes) {
        this.abort('slow-client');
        return;
      }
    }
    this.pump();
  }

  /** Feeds queued output to the socket until it asks for a 'drain', then waits for one. */
  private pump(): void {
    if (this.waitingForDrain) return;
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.queuedChars -= next.text.length;
      if (!next.catchUp) this.queuedLiveChars -= next.text.length;
      if (!this.toSocket(next.text)) {
        this.awaitDrain();
        return;
      }
    }
    this.lastDrainedAt = Date.now();
    const ending = this.endWhenFlushed;
    if (ending) {
      this.endWhenFlushed = null;
      if (ending.retryFrame) this.res.write(ending.retryFrame);
      this.res.end();
    }
  }

  private awaitDrain(): void {
    const sink = this.socket ?? this.res;
    this.waitingForDrain = true;
    this.stallTimer = setTimeout(
      () => this.abort('slow-client'),
      this.options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    );
    this.stallTimer.unref();
    sink.once('drain', () => {
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = null;
      this.waitingForDrain = false;
      this.lastDrainedAt = Date.now();
      if (this.queue.length > 0) this.pump();
    });
  }

  private dropQueue(): void {
    this.queue = [];
    this.queuedChars = 0;
    this.queuedLiveChars = 0;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }

  private markClosed(reason: StreamEndReason): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    const first = this.closeListener;
    const more = this.moreCloseListeners;
    this.closeListener = null;
    this.moreCloseListeners = null;
    if (first) this.tell(first, reason);
    if (more) for (const listener of more) this.tell(listener, reason);
  }
}
