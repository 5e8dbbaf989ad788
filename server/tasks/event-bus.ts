import type { Logger } from 'pino';
import { compareEpochs, type EventPosition, logCovers, malformedIdReason, resetReason } from '../../protocol';
import { checkRedisSettings, isCluster, type RedisClient } from '../redis';
import { keys, userOfEventsChannel } from './keys';
import { type LoggedEvent, type LogRead, parseLoggedEvent, type TaskStore } from './task-store';

/** Users whose heads one script call reads (see `readHeads`): Redis is busy ~0.3 ms per call. */
const HEADS_PER_CALL = 500;

/**
 * `epoch:seq` of each meta hash in KEYS, joined by commas (empty parts where a field is missing;
 * a string rather than a table, since ioredis-mock returns a table built in Lua as null).
 */
const readHeadsLua = `
local out = {}
for i, key in ipairs(KEYS) do
  local head = redis.call('HMGET', key, 'epoch', 'seq')
  local epoch, seq = head[1], head[2]
  if type(epoch) ~= 'string' then epoch = '' end
  if type(seq) ~= 'string' then seq = '' end
  out[i] = epoch .. ':' .. seq
end
return table.concat(out, ',')
`;

/** After a failed resubscribe, the next try (when no reconnect brings another 'ready' first). */
const RESUBSCRIBE_RETRY_MS = 250;

/** What a stream does with the events of its user, in order. */
export interface SubscriptionHandler {
  /** Called once per event, in seq order, for every event after the start position. */
  deliver(event: LoggedEvent): void;
  /**
   * The log cannot fill the gap (trimmed, or Redis came back empty): send `reset` (when a
   * reason is given) and a fresh snapshot, and return the position that snapshot is current at.
   * `revocationKey` is passed on to the read when it is the stream's opening read (see `start`).
   */
  resync(reason: string | null, revocationKey?: string): Promise<EventPosition>;
  /** Redis failed while catching up: the stream should end so the client resumes elsewhere. */
  fail(err: unknown): void;
  /**
   * What is delivered or resynced until the returned function is called is catch-up (replay or
   * reset + snapshot), not live: the stream paces it by its socket's drain.
   */
  beginCatchUp?(): () => void;
}

export interface BusMetrics {
  replayed(count: number): void;
  reset(): void;
  gapFilled(): void;
  published(event: LoggedEvent): void;
}

/**
 * Live fan-out for this process. One subscriber connection (on a cluster, one per master) carries
 * the events of the users this process has streams for: a channel per user, subscribed while the
 * user has a stream here, so a process receives its own users' share of the traffic and not
 * everyone's. The per-user log in Redis is the truth and pub/sub only the doorbell: a subscription
 * subscribes its user's channel before it reads the log, buffers live events while it catches up,
 * then goes live; whenever a seq skips, the subscriber reconnects or a heartbeat finds the head
 * ahead, it fills the gap from the log — so nothing is lost or repeated.
 */
export class EventBus {
  /** Each user's subscriptions here: most users have one stream, held without a Set around it. */
  private readonly byUser = new Map<string, Subscription | Set<Subscription>>();
  /** Each user with a stream here: their channel's SUBSCRIBE, settled once Redis confirmed it. */
  private readonly channels = new Map<string, Promise<void>>();
  private readonly reads = new Map<string, Promise<LogRead>>();
  private readonly sharded: boolean;
  private subscribed = false;
  private lostConnection = false;
  private channelChanges = 0;
  private subscribeBatch: {
    channels: string[];
    done: Promise<void>;
    settle(outcome: Promise<unknown>): void;
  } | null = null;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly commands: RedisClient,
    private readonly store: TaskStore,
    private readonly log: Logger,
    private readonly metrics: BusMetrics,
  ) {
    this.sharded = isCluster(subscriber);
  }

  async start(): Promise<void> {
    const onMessage = (channel: string, message: string) => this.onMessage(channel, message);
    if (this.sharded) {
      // ioredis keeps one sharded subscriber per master and re-subscribes after a failover or a
      // moved slot, then says so; a subscriber dropped on the way is the gap to fill.
      this.subscriber.on('smessage', onMessage);
      this.subscriber.on('-subscriber', () => {
        this.lostConnection = true;
      });
      this.subscriber.on('subscribersReady', () => void this.recover());
    } else {
      this.subscriber.on('message', onMessage);
      this.subscriber.on('close', () => {
        this.lostConnection = true;
      });
      this.subscriber.on('ready', () => {
        if (this.lostConnection) void this.recover();
      });
    }
    this.subscriber.on('error', (err: Error) =>
      this.log.warn({ err: err.message }, 'redis subscriber error'),
    );
    this.subscribed = true;
    // Once per process start, not awaited: a warning about settings must not delay or block serving.
    void checkRedisSettings(this.commands, this.log);
  }

  private channelCommand(action: 'subscribe' | 'unsubscribe', userId: string): Promise<unknown> {
    const channel = keys.events(userId);
    if (!this.sharded) {
      if (action === 'subscribe') return this.batchedSubscribe(channel);
      // In order after every SUBSCRIBE asked for before it.
      this.flushSubscribes();
      return this.subscriber.unsubscribe(channel);
    }
    return action === 'subscribe'
      ? this.subscriber.ssubscribe(channel)
      : this.subscriber.sunsubscribe(channel);
  }

  /**
   * On one Redis, the channels asked for in one turn of the event loop go out as one SUBSCRIBE: a
   * burst of connects (a deploy, a reconnect storm) costs a command per turn rather than one per user. (On a cluster
   * one SSUBSCRIBE may only name channels of one slot, and users spread over all of them.)
   */
  private batchedSubscribe(channel: string): Promise<void> {
    let batch = this.subscribeBatch;
    if (!batch) {
      let settle!: (outcome: Promise<unknown>) => void;
      const done = new Promise<unknown>((resolve) => {
        settle = resolve;
      }).then(() => undefined);
      batch = { channels: [], done, settle };
      this.subscribeBatch = batch;
      setImmediate(() => this.flushSubscribes());
    }
    batch.channels.push(channel);
    return batch.done;
  }

  private flushSubscribes(): void {
    const batch = this.subscribeBatch;
    if (!batch) return;
    this.subscribeBatch = null;
    batch.settle(this.subscriber.subscribe(...batch.channels));
  }

  /** Subscribes `userId`'s channel unless this process already has (or is getting) it. */
  private listen(userId: string): Promise<void> {
    let listening = this.channels.get(userId);
    if (!listening) {
      this.channelChanges++;
      const issued = this.channelCommand('subscribe', userId).then(() => undefined);
      listening = issued;
      this.channels.set(userId, issued);
      // A failed SUBSCRIBE fails the streams waiting on it; the next stream of this user tries again.
      issued.catch(() => {
        if (this.channels.get(userId) === issued) this.channels.delete(userId);
      });
    }
    return listening;
  }

  /** Resolves once `userId`'s channel is subscribed: from then on no event of theirs slips past. */
  listening(userId: string): Promise<void> {
    return this.channels.get(userId) ?? this.listen(userId);
  }

  /** After a subscriber reconnect or failover: make sure every channel is subscribed, then fill every gap. */
  private async recover(): Promise<void> {
    this.lostConnection = false;
    try {
      await Promise.all([...this.channels.keys()].map((userId) => this.channelCommand('subscribe', userId)));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'resubscribe failed; trying again');
      this.lostConnection = true;
      // 'ready' comes again only after another reconnect: a refusal on a live connection (or a
      // connection that dropped and came back meanwhile) would otherwise wait for the heartbeat.
      setTimeout(() => {
        if (this.lostConnection && this.subscriber.status === 'ready') void this.recover();
      }, RESUBSCRIBE_RETRY_MS).unref();
      return;
    }
    this.log.info({ users: this.byUser.size }, 'redis subscriber back; filling gaps from the log');
    this.fillAll();
  }

  private fillAll(): void {
    for (const subs of this.byUser.values()) for (const sub of each(subs)) void sub.fill();
  }

  /** Channel SUBSCRIBEs and UNSUBSCRIBEs this process has sent since it started (the churn). */
  get channelChangeCount(): number {
    return this.channelChanges;
  }

  /** Open subscriptions of this process (every open stream has one). */
  get subscriptionCount(): number {
    let n = 0;
    for (const subs of this.byUser.values()) n += subs instanceof Set ? subs.size : 1;
    return n;
  }

  get isSubscribed(): boolean {
    return this.subscribed && !this.lostConnection;
  }

  private onMessage(channel: string, message: string): void {
    // The channel names the user, so routing needs no parse of the event (see parseLoggedEvent).
    const userId = userOfEventsChannel(channel);
    if (userId === null) return;
    let event: LoggedEvent;
    try {
      event = parseLoggedEvent(message);
    } catch {
      this.log.warn('ignoring a malformed message on the events channel');
      return;
    }
    this.metrics.published(event);
    const subs = this.byUser.get(userId);
    if (!subs) return;
    try {
      if (subs instanceof Set) for (const sub of subs) sub.onPublished(event);
      else subs.onPublished(event);
    } catch (err) {
      // Only a message that looks like an event but whose task is not JSON gets here (a per-task
      // stream parses it): it must not reach the subscriber connection's reply parser.
      this.log.warn(
        { err: (err as Error).message },
        'could not deliver a malformed message on the events channel',
      );
    }
  }

  /** Registers a subscription; it buffers live events until `start()` has caught it up. */
  subscribe(userId: string, handler: SubscriptionHandler): Subscription {
    const sub = new Subscription(userId, this, handler);
    const subs = this.byUser.get(userId);
    if (!subs) {
      this.byUser.set(userId, sub);
      void this.listen(userId).catch(() => undefined);
    } else if (subs instanceof Set) {
      subs.add(sub);
    } else {
      this.byUser.set(userId, new Set([subs, sub]));
    }
    return sub;
  }

  unsubscribe(sub: Subscription): void {
    const subs = this.byUser.get(sub.userId);
    if (subs instanceof Set) {
      subs.delete(sub);
      if (subs.size > 0) return;
    } else if (subs !== sub) {
      return;
    }
    this.byUser.delete(sub.userId);
    // Sent after any SUBSCRIBE of this user on the same connection, so a stream that opens right
    // after resubscribes in order; a failed UNSUBSCRIBE only leaves a channel whose events are ignored.
    this.channels.delete(sub.userId);
    this.channelChanges++;
    this.channelCommand('unsubscribe', sub.userId).catch(() => undefined);
  }

  /**
   * Log reads, shared by every subscription of a user that asks for the same position in the same
   * tick (a subscriber reconnect fills every stream at once). A read is never handed to a caller
   * that comes later: it may have run before events that caller has not seen live (it subscribed
   * after their doorbell rang), and nothing would reveal that gap until the next event or heartbeat.
   */
  readLogAfter(userId: string, afterSeq: number, revocationKey?: string): Promise<LogRead> {
    // A read that also checks one session's revocation answers for that session alone.
    if (revocationKey) return this.store.readLogAfter(userId, afterSeq, revocationKey);
    const key = `${afterSeq}:${userId}`;
    let read = this.reads.get(key);
    if (!read) {
      const issued = this.store.readLogAfter(userId, afterSeq);
      read = issued;
      this.reads.set(key, issued);
      queueMicrotask(() => {
        if (this.reads.get(key) === issued) this.reads.delete(key);
      });
    }
    return read;
  }

  /**
   * Catches a lost tail: pub/sub can drop the last events of a burst with nothing after them to
   * reveal the gap. It also catches a user whose epoch changed with no event yet to show it (their
   * meta was deleted or rolled back). Every user with streams here, once per heartbeat.
   */
  async checkHeads(): Promise<void> {
    const users = [...this.byUser.keys()];
    if (users.length === 0) return;
    const heads = await this.readHeads(users).catch(() => null);
    if (!heads) return;
    users.forEach((u, i) => {
      const [epoch, seq] = heads[i] ?? [];
      if (!epoch) return;
      const head = { epoch, seq: Number(seq ?? 0) };
      for (const sub of each(this.byUser.get(u))) if (sub.isBehind(head)) void sub.fill();
    });
  }

  /**
   * On one Redis, one script call per HEADS_PER_CALL users (the heads come back joined in one
   * string: 10,000 pipelined HMGETs cost ~25 µs of this process's CPU each, mostly in their
   * replies); on a cluster, one command per user, all in flight at once (a script's keys, like a
   * pipeline's, cannot span masters).
   */
  private async readHeads(users: string[]): Promise<(string | null)[][]> {
    const commands = this.commands;
    if (isCluster(commands)) {
      return Promise.all(users.map((u) => commands.hmget(keys.meta(u), 'epoch', 'seq')));
    }
    const batches: Promise<(string | null)[][]>[] = [];
    for (let at = 0; at < users.length; at += HEADS_PER_CALL) {
      const metaKeys = users.slice(at, at + HEADS_PER_CALL).map((u) => keys.meta(u));
      batches.push(
        commands.eval(readHeadsLua, metaKeys.length, ...metaKeys).then((joined) =>
          String(joined)
            .split(',')
            .map((head) => {
              const colon = head.indexOf(':');
              return [head.slice(0, colon) || null, head.slice(colon + 1) || null];
            }),
        ),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  recordReplay(count: number): void {
    this.metrics.replayed(count);
  }
  recordReset(): void {
    this.metrics.reset();
  }
  recordGapFill(): void {
    this.metrics.gapFilled();
  }
}

function each(subs: Subscription | Set<Subscription> | undefined): Iterable<Subscription> {
  if (!subs) return [];
  return subs instanceof Set ? subs : [subs];
}

/** One stream's position in its user's event sequence. */
export class Subscription {
  private state: 'starting' | 'live' | 'filling' | 'closed' = 'starting';
  private pending: LoggedEvent[] = [];
  private epoch = '';
  private lastSeq = 0;
  /** A fill was asked for while a read was already under way (it may predate what the asker knows). */
  private fillAgain = false;

  constructor(
    readonly userId: string,
    private readonly bus: EventBus,
    private readonly handler: SubscriptionHandler,
  ) {}

  get position(): EventPosition {
    return { epoch: this.epoch, seq: this.lastSeq };
  }

  /**
   * Catches up from `from` (a client's Last-Event-ID) by exact replay when the log still covers
   * it, else by reset + snapshot (or a plain snapshot when there is no `from`), then goes live.
   * With `revocationKey`, the first read also checks that the session was not signed out (the
   * handler's `fail` then gets a SessionRevokedError, before anything was delivered).
   */
  async start(from: EventPosition | null, fromRaw: string | null, revocationKey?: string): Promise<void> {
    const leaveCatchUp = this.handler.beginCatchUp?.() ?? noop;
    try {
      // Subscribed before the first read: every event after that read rings here too.
      await this.bus.listening(this.userId);
      if (this.isClosed()) return;
      if (from) {
        const read = await this.bus.readLogAfter(this.userId, from.seq, revocationKey);
        if (this.isClosed()) return;
        if (logCovers(read, from)) {
          this.epoch = from.epoch;
          this.lastSeq = from.seq;
          for (const ev of read.events) this.emit(ev);
          this.bus.recordReplay(read.events.length);
        } else {
          this.bus.recordReset();
          this.adopt(await this.handler.resync(resetReason(read, from)));
        }
      } else {
        this.adopt(await this.handler.resync(fromRaw === null ? null : malformedIdReason, revocationKey));
        if (fromRaw !== null) this.bus.recordReset();
      }
    } catch (err) {
      if (!this.isClosed()) this.handler.fail(err);
      return;
    } finally {
      leaveCatchUp();
    }
    if (this.isClosed()) return;
    this.goLive();
  }

  onPublished(event: LoggedEvent): void {
    if (this.state === 'live') this.accept(event);
    else if (this.state !== 'closed') this.pending.push(event);
  }

  /** True when the user's head is past this subscription, or in an epoch it has not reset into. */
  isBehind(head: EventPosition): boolean {
    return this.state === 'live' && (head.epoch !== this.epoch || head.seq > this.lastSeq);
  }

  /** Its stream closed (a stream's close listener, without a closure per stream). */
  streamClosed(): void {
    this.close();
  }

  close(): void {
    this.state = 'closed';
    this.pending = [];
    this.bus.unsubscribe(this);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private adopt(position: EventPosition): void {
    this.epoch = position.epoch;
    this.lastSeq = position.seq;
  }

  private emit(event: LoggedEvent): void {
    this.lastSeq = event.seq;
    this.handler.deliver(event);
  }

  private accept(event: LoggedEvent): void {
    const order = compareEpochs(event.epoch, this.epoch);
    // A doorbell from before Redis came back empty: the snapshot that moved us on already covers
    // it. Filling for it would read an up-to-date log, requeue it and fill again, for ever.
    if (order < 0) return;
    if (order === 0) {
      if (event.seq <= this.lastSeq) return;
      if (event.seq === this.lastSeq + 1) {
        this.emit(event);
        return;
      }
    }
    this.pending.push(event);
    void this.fill();
  }

  /**
   * Fills from the log everything after the last delivered event; falls back to reset + snapshot.
   * Asked while a start or fill is under way, it runs again once that one is done: the read under
   * way may have been issued before whatever prompted this call (a subscriber reconnect, a head
   * seen ahead), and nothing else would reveal a lost tail.
   */
  async fill(): Promise<void> {
    if (this.state === 'starting' || this.state === 'filling') {
      this.fillAgain = true;
      return;
    }
    if (this.state !== 'live') return;
    this.state = 'filling';
    const leaveCatchUp = this.handler.beginCatchUp?.() ?? noop;
    try {
      const read = await this.bus.readLogAfter(this.userId, this.lastSeq);
      if (this.isClosed()) return;
      if (logCovers(read, this.position)) {
        for (const ev of read.events) this.emit(ev);
        if (read.events.length) this.bus.recordGapFill();
      } else {
        this.bus.recordReset();
        this.adopt(await this.handler.resync(resetReason(read, this.position)));
      }
    } catch (err) {
      if (!this.isClosed()) this.handler.fail(err);
      return;
    } finally {
      leaveCatchUp();
    }
    if (this.isClosed()) return;
    this.goLive();
  }

  private goLive(): void {
    this.state = 'live';
    this.drain();
    if (this.fillAgain && this.state === 'live') {
      this.fillAgain = false;
      void this.fill();
    }
  }

  /** Replays buffered live events in order; stops (keeping the rest) if one starts another fill. */
  private drain(): void {
    const queue = this.pending.sort((a, b) => compareEpochs(a.epoch, b.epoch) || a.seq - b.seq);
    this.pending = [];
    for (let i = 0; i < queue.length; i++) {
      if (this.state !== 'live') {
        this.pending.push(...queue.slice(i));
        return;
      }
      this.accept(queue[i]!);
    }
  }
}

function noop(): void {}
