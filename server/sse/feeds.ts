import type { ServerResponse } from 'node:http';
import {
  type EventPosition,
  isTerminal,
  parseEventId,
  sawTheEndByPosition,
  sawTheEndInLog,
} from '../../protocol';
import { revokedSession } from '../auth/authenticate';
import type { Identity } from '../auth/session-tokens';
import { AppError, notFound, redisUnavailable } from '../errors';
import type { AppServices } from '../services';
import type { SubscriptionHandler } from '../tasks/event-bus';
import { type LoggedEvent, SessionRevokedError } from '../tasks/task-store';
import { frameJson, frameLoggedEvent, snapshotFrame } from './framer';
import { SseStream } from './sse-stream';

/** Where a stream resumes: the client's resume id as sent, and its parsed position (null when absent or malformed). */
export interface ResumeFrom {
  raw: string | null;
  position: EventPosition | null;
}

export function resumeFrom(raw: string | null): ResumeFrom {
  return { raw, position: parseEventId(raw) };
}

/** What a HEAD on a stream route answers: the stream's headers, no body, no stream slot. */
export const streamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * The two SSE feeds — everything of a user's tasks, or one task until it ends — over the event
 * bus: opening checks (drain, per-user limit, Redis), catch-up and live
 * delivery. Each logged event is framed once for every stream that sends it.
 */
export class StreamFeeds {
  /**
   * The bus hands one event object to every subscription it reaches, in a row: a broadcast frames
   * it once. (No cache beyond the last event: a WeakMap keyed by every event cost the garbage
   * collector more than framing a replayed event again does.)
   */
  private lastEvent: LoggedEvent | null = null;
  private lastFrame = '';

  constructor(private readonly s: AppServices) {}

  get store(): AppServices['store'] {
    return this.s.store;
  }

  frameOf(ev: LoggedEvent): string {
    if (ev === this.lastEvent) return this.lastFrame;
    const frame = frameLoggedEvent(ev.type, ev.id, ev.raw);
    this.lastEvent = ev;
    this.lastFrame = frame;
    return frame;
  }

  /**
   * `GET /api/events`: connected, then replay or (reset +) snapshot, then live events. The read
   * that catches up also checks `revocationKey` (a signed-out session gets 401 before any header).
   */
  async openUserFeed(
    identity: Identity,
    res: ServerResponse,
    from: ResumeFrom,
    revocationKey: string | null,
  ): Promise<void> {
    this.ensureRedis();
    const stream = this.openStream(identity, res);
    await this.follow(stream, new UserFeed(this, stream), from, revocationKey);
  }

  /**
   * `GET /api/tasks/:id/events`: like the user feed for one task, ending after its terminal event.
   * Answers `ended` (for a 204) without opening when the client already has that final event.
   */
  async openTaskFeed(
    identity: Identity,
    res: ServerResponse,
    taskId: string,
    from: ResumeFrom,
    revocationKey: string | null,
  ): Promise<'open' | 'ended'> {
    const { userId } = identity;
    const at = await this.taskAt(userId, taskId, revocationKey);
    if (!at.task) throw notFound();
    if (
      from.position &&
      isTerminal(at.task.status) &&
      (await this.sawTheEnd(userId, taskId, from.position, at))
    ) {
      return 'ended';
    }
    const stream = this.openStream(identity, res);
    await this.follow(stream, new TaskFeed(this, stream, taskId), from, null);
    return 'open';
  }

  /** One event delivered to one stream (for the delivery counter). */
  countDelivery(): void {
    this.s.metrics.deliveries++;
  }

  /** For HEAD on the per-task stream: 404 exactly as GET would, without opening anything. */
  async checkTaskExists(userId: string, taskId: string, revocationKey: string | null): Promise<void> {
    if (!(await this.taskAt(userId, taskId, revocationKey)).task) throw notFound();
  }

  private async taskAt(userId: string, taskId: string, revocationKey: string | null) {
    try {
      return await this.s.store.taskAt(userId, taskId, revocationKey ?? undefined);
    } catch (err) {
      throw err instanceof SessionRevokedError ? revokedSession() : redisUnavailable();
    }
  }

  /**
   * Subscribes, catches up, goes live. The response opens (200, `retry:`, `connected`) with the
   * first thing catch-up writes, or after it: until then a failed opening read still answers with
   * a status code (401 for a signed-out session, 503 when Redis failed).
   */
  private async follow(
    stream: SseStream,
    handler: SubscriptionHandler,
    from: ResumeFrom,
    revocationKey: string | null,
  ) {
    const sub = this.s.bus.subscribe(stream.userId, handler);
    stream.onClose(sub);
    try {
      await sub.start(from.position, from.raw, revocationKey ?? undefined);
      if (!stream.closed) stream.ensureOpen();
    } finally {
      stream.releaseOutput();
    }
  }

  /** Opens a stream after the checks that may still answer with a status code. */
  private openStream(identity: Identity, res: ServerResponse): SseStream {
    const { s } = this;
    const { userId, expiresAt } = identity;
    if (s.streams.draining) {
      s.metrics.rejectedStreams.inc({ reason: 'shutting-down' });
      throw new AppError('shutting-down', 'this server is restarting; reconnect shortly', 503, {
        'Retry-After': '1',
        Connection: 'close',
      });
    }
    if (!s.streams.hasRoomFor(userId)) {
      s.metrics.rejectedStreams.inc({ reason: 'too-many' });
      throw new AppError(
        'too-many-streams',
        `at most ${s.config.MAX_STREAMS_PER_USER} streams per user; close another tab or retry later`,
        429,
        { 'Retry-After': '5' },
      );
    }
    const stream = new SseStream(res, {
      userId,
      maxBufferBytes: s.config.MAX_STREAM_BUFFER_BYTES,
      retryMs: s.config.RETRY_MS,
      expiresAt,
      heartbeatMs: s.config.HEARTBEAT_MS,
    });
    s.streams.add(stream);
    return stream;
  }

  /** Catch-up failed. Before the response opened, the client gets a status code (thrown to the adapter). */
  failStream(stream: SseStream, err: unknown): void {
    if (!stream.opened && err instanceof SessionRevokedError) {
      stream.discard();
      throw revokedSession();
    }
    this.s.metrics.redisErrors.inc();
    if (!stream.opened) {
      stream.discard();
      throw redisUnavailable();
    }
    this.s.log.warn({ err: (err as Error).message }, 'stream failed while catching up; client will resume');
    stream.abort('error');
  }

  /**
   * 503 at once when the command connection is known to be down (no round trip per connect). While
   * it is still connecting (a server just started), the opening read queues and is answered then.
   */
  private ensureRedis(): void {
    const status = this.s.redis.commands.status;
    if (status !== 'reconnecting' && status !== 'close' && status !== 'end') return;
    this.s.metrics.redisErrors.inc();
    throw redisUnavailable();
  }

  private async sawTheEnd(
    userId: string,
    taskId: string,
    from: EventPosition,
    at: { epoch: string; headSeq: number; lastEventId: string | null },
  ): Promise<boolean> {
    return (
      sawTheEndByPosition(from, at) ??
      sawTheEndInLog(await this.s.bus.readLogAfter(userId, from.seq), from, taskId)
    );
  }
}

/**
 * A feed's side of a subscription: classes rather than objects of closures, since every open
 * stream holds one (about 0.4 KB less per idle stream). What both feeds do alike lives here.
 */
abstract class FeedHandler implements SubscriptionHandler {
  constructor(
    protected readonly feeds: StreamFeeds,
    protected readonly stream: SseStream,
  ) {}

  abstract deliver(ev: LoggedEvent): void;
  abstract resync(reason: string | null, opening?: string): Promise<EventPosition>;

  fail(err: unknown): void {
    this.feeds.failStream(this.stream, err);
  }

  beginCatchUp(): () => void {
    return this.stream.beginCatchUp();
  }
}

/** Everything of the user's tasks. */
class UserFeed extends FeedHandler {
  deliver(ev: LoggedEvent): void {
    this.stream.write(this.feeds.frameOf(ev));
    this.feeds.countDelivery();
  }

  async resync(reason: string | null, opening?: string): Promise<EventPosition> {
    const read = await this.feeds.store.listJson(this.stream.userId, opening);
    if (reason) this.stream.send('reset', { reason });
    this.stream.write(snapshotFrame(read.active, read.finished));
    return { epoch: read.epoch, seq: read.headSeq };
  }
}

/** The user feed narrowed to one task, ending after its terminal event. */
class TaskFeed extends FeedHandler {
  constructor(
    feeds: StreamFeeds,
    stream: SseStream,
    private readonly taskId: string,
  ) {
    super(feeds, stream);
  }

  deliver(ev: LoggedEvent): void {
    if (ev.task.id !== this.taskId) return;
    this.stream.write(this.feeds.frameOf(ev));
    this.feeds.countDelivery();
    if (isTerminal(ev.task.status)) this.stream.end('task-finished');
  }

  async resync(reason: string | null): Promise<EventPosition> {
    const { stream } = this;
    const now = await this.feeds.store.taskAt(stream.userId, this.taskId);
    if (reason) stream.send('reset', { reason });
    if (!now.task) {
      stream.end('task-finished');
    } else {
      stream.send('snapshot', { tasks: [now.task] });
      if (isTerminal(now.task.status) && now.lastEventId) {
        stream.write(frameJson(now.task.status, { task: now.task }, now.lastEventId));
        stream.end('task-finished');
      }
    }
    return { epoch: now.epoch, seq: now.headSeq };
  }
}
