import { type Request, type Response, Router } from 'express';
import { type EventPosition, isTaskEventName, isTerminal, parseEventId, type Task } from '../../protocol';
import { identityOf, requireStreamUser } from '../auth/authenticate';
import { AppError, notFound, redisUnavailable } from '../errors';
import type { AppServices } from '../services';
import { frameEvent, frameJson } from '../sse/framer';
import { SseStream } from '../sse/sse-stream';
import { logCovers, type SubscriptionHandler } from '../tasks/event-bus';
import { eventData, type LoggedEvent } from '../tasks/task-store';
import { taskIdOf } from './task-routes';

/** The framed message of a logged event, built once for all streams. */
function frameOf(ev: LoggedEvent): string {
  ev.frame ??= frameEvent(ev.type, eventData(ev), ev.id);
  return ev.frame;
}

function lastEventIdOf(req: Request): string | null {
  const header = req.get('last-event-id');
  if (header !== undefined) return header;
  return typeof req.query.lastEventId === 'string' ? req.query.lastEventId : null;
}

/** The SSE endpoints: everything of the user's tasks, or one task until it finishes. */
export function streamRoutes(s: AppServices): Router {
  const router = Router();
  const auth = requireStreamUser(s.tokens, s.tickets);

  /** Opens a stream after the checks that may still answer with a status code. */
  async function openStream(req: Request, res: Response): Promise<SseStream> {
    const { userId, expiresAt } = identityOf(req);
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
    });
    s.streams.add(stream);
    stream.open();
    stream.send('connected', {
      userId,
      serverTime: new Date().toISOString(),
      heartbeatMs: s.config.HEARTBEAT_MS,
    });
    const untilExpiry = expiresAt - Date.now();
    const expiry = setTimeout(
      () => {
        stream.send('auth-expired', {});
        stream.end('auth-expired');
      },
      Math.min(untilExpiry, 2 ** 31 - 1),
    );
    expiry.unref();
    stream.onClose(() => clearTimeout(expiry));
    return stream;
  }

  function failStream(stream: SseStream, err: unknown): void {
    s.metrics.redisErrors.inc();
    s.log.warn({ err: (err as Error).message }, 'stream failed while catching up; client will resume');
    stream.abort('error');
  }

  /** 503 before any header is sent when the command connection is down (no round trip per connect). */
  function ensureRedis(): void {
    const status = s.redis.commands.status;
    if (status === undefined || status === 'ready') return;
    s.metrics.redisErrors.inc();
    throw redisUnavailable();
  }

  router.get('/api/events', auth, async (req, res) => {
    const { userId } = identityOf(req);
    ensureRedis();
    const stream = await openStream(req, res);
    const handler: SubscriptionHandler = {
      deliver(ev) {
        stream.write(frameOf(ev));
        s.metrics.deliveries++;
      },
      async resync(reason) {
        const read = await s.store.list(userId);
        if (reason) stream.send('reset', { reason });
        stream.send('snapshot', { tasks: [...read.active, ...read.finished] });
        return { epoch: read.epoch, seq: read.headSeq };
      },
      fail: (err) => failStream(stream, err),
    };
    const sub = s.bus.subscribe(userId, handler);
    stream.onClose(() => sub.close());
    const raw = lastEventIdOf(req);
    await sub.start(parseEventId(raw), raw);
  });

  router.get('/api/tasks/:id/events', auth, async (req, res) => {
    const { userId } = identityOf(req);
    const taskId = taskIdOf(req);
    const raw = lastEventIdOf(req);
    const from = parseEventId(raw);

    let snapshotAt: { epoch: string; headSeq: number; task: Task | null; lastEventId: string | null };
    try {
      snapshotAt = await s.store.taskAt(userId, taskId);
    } catch {
      throw redisUnavailable();
    }
    const task = snapshotAt.task;
    if (!task) throw notFound();
    if (from && isTerminal(task.status) && (await sawTheEnd(userId, taskId, from, snapshotAt))) {
      // The client already has the final event: 204 stops EventSource from reconnecting.
      res.status(204).end();
      return;
    }

    const stream = await openStream(req, res);
    const handler: SubscriptionHandler = {
      deliver(ev) {
        if (ev.task.id !== taskId) return;
        stream.write(frameOf(ev));
        s.metrics.deliveries++;
        if (isTerminal(ev.task.status)) stream.end('task-finished');
      },
      async resync(reason) {
        const now = await s.store.taskAt(userId, taskId);
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
      },
      fail: (err) => failStream(stream, err),
    };
    const sub = s.bus.subscribe(userId, handler);
    stream.onClose(() => sub.close());
    await sub.start(from, raw);
  });

  /**
   * True when the client already has the finished task's final event: its position is at or past
   * that event (known from the task itself, so this holds after the log was trimmed — otherwise the
   * client would get reset + the final event again and reconnect with the same id for ever), or
   * the log shows nothing of this task after its position.
   */
  async function sawTheEnd(
    userId: string,
    taskId: string,
    from: EventPosition,
    at: { epoch: string; headSeq: number; lastEventId: string | null },
  ): Promise<boolean> {
    const final = parseEventId(at.lastEventId);
    if (final && from.epoch === final.epoch && from.epoch === at.epoch) {
      if (from.seq >= final.seq && from.seq <= at.headSeq) return true;
      if (from.seq < final.seq) return false;
    }
    const read = await s.bus.readLogAfter(userId, from.seq);
    if (!logCovers(read, from.epoch, from.seq)) return false;
    return !read.events.some((ev) => ev.task.id === taskId && isTaskEventName(ev.type));
  }

  return router;
}
