import type { ChainableCommander } from 'ioredis';
import {
  inboxEntryFromTask,
  inboxMaxEntries,
  type Task,
  type TaskEventName,
  taskEventNames,
} from '../../protocol';
import { isCluster, type RedisClient } from '../redis';
import { hashSlot, SLOT_TAG_LENGTH } from './hash-slots';
import { keys } from './keys';

/** Task state and event logs live this long after their last change. */
const TASK_TTL_S = 24 * 60 * 60;
/** Finished tasks kept per user for lists and snapshots. */
const RECENT_FINISHED_MAX = 50;
/**
 * Active tasks one list or snapshot holds at most (the newest by creation): about 3 MB of small
 * tasks, which keeps a snapshot a bounded amount of work to build and to send.
 */
const ACTIVE_LIST_MAX = 10_000;
/** The activity inbox outlives task state: it is what a person reads after days away. */
export const INBOX_TTL_S = 30 * 24 * 60 * 60;

/**
 * A user's current epoch, started afresh when the user's meta hash is gone (a Redis that came back
 * empty, eviction, deletion) or was written by another Redis instance (`boot` is the run_id, read
 * here inside the script so no write can slip through between a failover and the server noticing
 * it): an RDB restore or a lagging replica brings back an older, consistent meta, and the seq it
 * holds would hand out ids that clients already have for other events. A new epoch is above the old
 * one even when clocks disagree, and the old log goes (its seqs would collide with the new ones).
 * ioredis-mock has no INFO in Lua: there `boot` is empty and only a missing meta starts an epoch.
 */
const userEpochLua = `
local function userEpoch(meta, log, proposed)
  local boot = ''
  local ok, info = pcall(redis.call, 'INFO', 'server')
  if ok and type(info) == 'string' then boot = string.match(info, 'run_id:(%x+)') or '' end
  local stored = redis.call('HMGET', meta, 'epoch', 'boot')
  if stored[1] and stored[2] == boot then return stored[1] end
  local epoch = tonumber(proposed)
  local old = tonumber(stored[1] or '0') or 0
  if old >= epoch then epoch = old + 1 end
  epoch = string.format('%.0f', epoch)
  redis.call('DEL', log)
  redis.call('HSET', meta, 'epoch', epoch, 'seq', '0', 'boot', boot)
  return epoch
end
`;

/**
 * Writes one task version and its event atomically: version check, epoch, sequence number, log
 * entry, trim, task state, indexes, the inbox entry of a terminal event and the publish all happen
 * in one script, so no reader can see an id without its log entry, per-user ids are published in
 * order, and a finished task is in its owner's inbox exactly when its terminal event is logged.
 * Every key and the channel are in the owner's slot; on a cluster the publish is SPUBLISH.
 */
const writeEventScript = (publish: 'PUBLISH' | 'SPUBLISH') => `${userEpochLua}
local cur = redis.call('HGET', KEYS[3], 'v')
if ARGV[2] == '0' then
  if cur then return {'exists', cur} end
elseif cur ~= ARGV[2] then
  return {'conflict', cur or ''}
end
local epoch = userEpoch(KEYS[1], KEYS[2], ARGV[1])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('EXPIRE', KEYS[1], ARGV[8])
local id = epoch .. '.' .. string.format('%d', seq)
local ev = '{"id":"' .. id .. '","type":"' .. ARGV[5] .. '","task":' .. ARGV[4] .. '}'
redis.call('ZADD', KEYS[2], seq, ev)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[9]))
redis.call('EXPIRE', KEYS[2], ARGV[8])
redis.call('HSET', KEYS[3], 'json', ARGV[4], 'v', ARGV[3], 'owner', ARGV[11], 'eid', id)
redis.call('EXPIRE', KEYS[3], ARGV[8])
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[4], ARGV[12])
  redis.call('ZREM', KEYS[8], ARGV[12])
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[12])
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -1 - tonumber(ARGV[13]))
  redis.call('EXPIRE', KEYS[5], ARGV[8])
  -- NX by task id: a terminal write that is retried or raced can never add a second entry.
  if redis.call('ZADD', KEYS[6], 'NX', ARGV[7], ARGV[12]) == 1 then
    redis.call('HSET', KEYS[7], ARGV[12], ARGV[15])
    local excess = redis.call('ZCARD', KEYS[6]) - tonumber(ARGV[16])
    if excess > 0 then
      local dropped = redis.call('ZRANGE', KEYS[6], 0, excess - 1)
      redis.call('ZREMRANGEBYRANK', KEYS[6], 0, excess - 1)
      for _, dropped_id in ipairs(dropped) do redis.call('HDEL', KEYS[7], dropped_id) end
    end
  end
  redis.call('EXPIRE', KEYS[6], ARGV[17])
  redis.call('EXPIRE', KEYS[7], ARGV[17])
else
  redis.call('ZADD', KEYS[4], ARGV[14], ARGV[12])
  redis.call('ZADD', KEYS[8], ARGV[7], ARGV[12])
end
redis.call('EXPIRE', KEYS[4], ARGV[8])
redis.call('EXPIRE', KEYS[8], ARGV[8])
redis.call('${publish}', ARGV[10], ev)
return {'ok', id}
`;

/** For reads that find no meta: starts the user's epoch (as the next write would) so a cursor can name it. */
const ensureEpochScript = `${userEpochLua}
local epoch = userEpoch(KEYS[1], KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return epoch
`;

/**
 * A user's snapshot in one round trip: their position (an epoch started when Redis holds none for
 * them, as the next write would), the newest active tasks and the recently finished ones, all read
 * atomically, so the tasks are exactly as new as the position. A task key carries its owner's slot
 * tag (ids from before the cluster layout use the untagged key, which exists only on a single Redis).
 * When asked, it first checks that the reader's session was not signed out (KEYS[5], in the same slot).
 */
const listTasksScript = `${userEpochLua}
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[5]) == 1 then return {'revoked', '0', '', ''} end
-- type() rather than truth: ioredis-mock's Lua sees a missing field as a (truthy) null, not false.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
local epoch, seq = meta[1], meta[2]
if type(epoch) ~= 'string' then
  epoch = userEpoch(KEYS[1], KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  seq = redis.call('HGET', KEYS[1], 'seq')
end
local function read(index, limit)
  local out = {}
  for _, id in ipairs(redis.call('ZREVRANGE', index, 0, limit - 1)) do
    -- keys.task in Lua: a slot-tagged id's key carries its tag; an older id's key has none.
    local tag = string.match(id, '^t(${'[0-9a-z]'.repeat(SLOT_TAG_LENGTH)})_')
    local key = tag and ('ts:{' .. tag .. '}:task:' .. id) or ('ts:task:' .. id)
    local json = redis.call('HGET', key, 'json')
    if type(json) == 'string' then table.insert(out, json) end
  end
  -- Joined here: one string to send as a snapshot (or parse as one array), not one reply per task.
  return table.concat(out, ',')
end
if type(seq) ~= 'string' then seq = '0' end
return {epoch, seq, read(KEYS[3], tonumber(ARGV[3])), read(KEYS[4], tonumber(ARGV[4]))}
`;

type ScriptFn = (...args: (string | number)[]) => Promise<[string, string]>;

export type WriteOutcome =
  | { ok: true; eventId: string }
  | { ok: false; reason: 'conflict' | 'exists'; currentVersion: number | null };

/** One entry of a user's event log, as logged and as published. */
export interface LoggedEvent {
  /** `<epoch>.<seq>` */
  id: string;
  epoch: string;
  seq: number;
  type: TaskEventName;
  task: Task;
  /** The exact JSON that was logged; SSE data is sliced from it instead of re-serialising. */
  raw: string;
}

const HEAD = '{"id":"';
const TYPE_AT = '","type":"';
const TASK_AT = '","task":';
const eventIdShape = /^\d{1,16}\.\d{1,15}$/;
const eventNames: ReadonlySet<string> = new Set(taskEventNames);

/**
 * A logged event whose task is parsed on first use. The write script builds every event as
 * `{"id":"<epoch>.<seq>","type":"<name>","task":<task JSON>}`, so id and type are read from that
 * prefix; delivering to a user's streams needs only them and `raw` (the frame is cut from it), so
 * an event that no per-task stream filters is never parsed at all.
 */
class LazyLoggedEvent implements LoggedEvent {
  readonly epoch: string;
  readonly seq: number;

  constructor(
    readonly id: string,
    readonly type: TaskEventName,
    readonly raw: string,
    private parsed?: Task,
  ) {
    const dot = id.indexOf('.');
    this.epoch = id.slice(0, dot);
    this.seq = Number(id.slice(dot + 1));
  }

  get task(): Task {
    this.parsed ??= (JSON.parse(this.raw) as { task: Task }).task;
    return this.parsed;
  }
}

/**
 * Reads a logged/published event string. An event in the write script's shape is read from its
 * prefix (its task parsed on first use); anything else is parsed whole at once, and throws if it
 * is not JSON.
 */
export function parseLoggedEvent(raw: string): LoggedEvent {
  const typeAt = raw.startsWith(HEAD) ? raw.indexOf(TYPE_AT, HEAD.length) : -1;
  const taskAt = typeAt === -1 ? -1 : raw.indexOf(TASK_AT, typeAt + TYPE_AT.length);
  if (taskAt !== -1 && raw.endsWith('}')) {
    const id = raw.slice(HEAD.length, typeAt);
    const type = raw.slice(typeAt + TYPE_AT.length, taskAt);
    if (eventIdShape.test(id) && eventNames.has(type))
      return new LazyLoggedEvent(id, type as TaskEventName, raw);
  }
  const parsed = JSON.parse(raw) as { id: string; type: TaskEventName; task: Task };
  return new LazyLoggedEvent(parsed.id, parsed.type, raw, parsed.task);
}

/** Answered instead of a read when the reader's session turned out to be signed out. */
export class SessionRevokedError extends Error {
  constructor() {
    super('the session was signed out');
    this.name = 'SessionRevokedError';
  }
}

export interface LogRead {
  epoch: string;
  /** The user's latest seq (0 when none). */
  headSeq: number;
  /** The oldest seq still in the log, or null when the log is empty. */
  firstSeq: number | null;
  events: LoggedEvent[];
}

export interface TaskListRead {
  epoch: string;
  headSeq: number;
  active: Task[];
  finished: Task[];
}

/** `TaskListRead` with the tasks still as the JSON they were stored as (validated when written), comma-joined. */
export interface TaskListJson {
  epoch: string;
  headSeq: number;
  /** `a,b,…` of the tasks' JSON objects ('' for none): `[${active}]` is a JSON array. */
  active: string;
  finished: string;
}

export class TaskStore {
  private readonly writeEvent: ScriptFn;
  private readonly ensureEpoch: (...args: (string | number)[]) => Promise<string>;
  private readonly listTasks: (...args: (string | number)[]) => Promise<[string, string, string, string]>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { logSize: number },
  ) {
    const publish = isCluster(redis) ? 'SPUBLISH' : 'PUBLISH';
    redis.defineCommand('tsWriteEvent', { numberOfKeys: 8, lua: writeEventScript(publish) });
    redis.defineCommand('tsEnsureEpoch', { numberOfKeys: 2, lua: ensureEpochScript });
    redis.defineCommand('tsListTasks', { numberOfKeys: 5, lua: listTasksScript });
    const scripts = redis as unknown as {
      tsWriteEvent: ScriptFn;
      tsEnsureEpoch: TaskStore['ensureEpoch'];
      tsListTasks: TaskStore['listTasks'];
    };
    this.writeEvent = scripts.tsWriteEvent.bind(redis);
    this.ensureEpoch = scripts.tsEnsureEpoch.bind(redis);
    this.listTasks = scripts.tsListTasks.bind(redis);
  }

  /**
   * Stores `task` (whose version must be the stored version + 1, or 1 for a new task) and
   * logs + publishes its event. A concurrent writer makes this return a conflict, never clobber.
   */
  async write(task: Task, type: TaskEventName): Promise<WriteOutcome> {
    const terminal = type === 'completed' || type === 'failed' || type === 'cancelled';
    const [status, value] = await this.writeEvent(
      keys.meta(task.ownerId),
      keys.log(task.ownerId),
      keys.task(task.id),
      keys.active(task.ownerId),
      keys.recent(task.ownerId),
      keys.inbox(task.ownerId),
      keys.inboxEntries(task.ownerId),
      keys.updated(task.ownerId),
      newEpoch(),
      String(task.version - 1),
      String(task.version),
      JSON.stringify(task),
      type,
      terminal ? '1' : '0',
      Date.parse(task.finishedAt ?? task.updatedAt),
      TASK_TTL_S,
      this.options.logSize,
      keys.events(task.ownerId),
      task.ownerId,
      task.id,
      RECENT_FINISHED_MAX,
      Date.parse(task.createdAt),
      terminal ? JSON.stringify(inboxEntryFromTask(task)) : '',
      inboxMaxEntries,
      INBOX_TTL_S,
    );
    if (status === 'ok') return { ok: true, eventId: value };
    return {
      ok: false,
      reason: status === 'exists' ? 'exists' : 'conflict',
      currentVersion: value ? Number(value) : null,
    };
  }

  /** The task and its owner, or null when unknown or expired. */
  async get(taskId: string): Promise<{ task: Task; lastEventId: string } | null> {
    const [json, eid] = await this.redis.hmget(keys.task(taskId), 'json', 'eid');
    if (!json || !eid) return null;
    return { task: JSON.parse(json) as Task, lastEventId: eid };
  }

  /** The user's current epoch, started when Redis holds none for them. */
  async epochOf(userId: string): Promise<string> {
    return this.ensureEpoch(keys.meta(userId), keys.log(userId), newEpoch(), TASK_TTL_S);
  }

  /**
   * Runs `reads` in one transaction after the user's epoch and head seq, so what they return is at
   * least as new as that position. A user without meta gets an epoch first (then one retry), so
   * every cursor names a real epoch and a new user's first event does not look like a reset.
   */
  private async readAtHead(
    userId: string,
    reads: (tx: ChainableCommander) => ChainableCommander,
    revocationKey?: string,
  ): Promise<{ epoch: string; headSeq: number; values: unknown[] }> {
    for (let attempt = 0; ; attempt++) {
      // The session is checked once, with the first read; a retry only starts the epoch.
      const checkSession = attempt === 0 ? revocationKey : undefined;
      let tx = this.redis.multi().hmget(keys.meta(userId), 'epoch', 'seq');
      if (checkSession) tx = tx.exists(checkSession);
      const [meta, ...values] = unwrap(await reads(tx).exec());
      if (checkSession && values.shift() === 1) throw new SessionRevokedError();
      const [epoch, head] = meta as (string | null)[];
      if (epoch) return { epoch, headSeq: head ? Number(head) : 0, values };
      const created = await this.epochOf(userId);
      // Deleted again in between: report the epoch just made, which no event carries yet.
      if (attempt > 0) return { epoch: created, headSeq: 0, values };
    }
  }

  /**
   * Events after `afterSeq`, plus what is needed to tell whether the log still covers them. With
   * `revocationKey` (in the user's slot), throws SessionRevokedError when that key exists.
   */
  async readLogAfter(userId: string, afterSeq: number, revocationKey?: string): Promise<LogRead> {
    const { epoch, headSeq, values } = await this.readAtHead(
      userId,
      (tx) =>
        tx
          .zrange(keys.log(userId), 0, 0, 'WITHSCORES')
          .zrangebyscore(keys.log(userId), `(${afterSeq}`, '+inf'),
      revocationKey,
    );
    const [first, events] = values as [string[], string[]];
    return {
      epoch,
      headSeq,
      firstSeq: first.length >= 2 ? Number(first[1]) : null,
      events: events.map(parseLoggedEvent),
    };
  }

  /**
   * One of `userId`'s tasks with the event position its state is at least as new as, read in one
   * transaction (for per-task stream snapshots). Another user's task reads as missing. With
   * `revocationKey`, throws SessionRevokedError when that key exists.
   */
  async taskAt(
    userId: string,
    taskId: string,
    revocationKey?: string,
  ): Promise<{ epoch: string; headSeq: number; task: Task | null; lastEventId: string | null }> {
    const taskKey = keys.task(taskId);
    // Another user's task (or an id from before the cluster layout) lives in another slot, where a
    // MULTI would fail with CROSSSLOT; read after the head instead, which is just as new.
    const sameSlot = hashSlot(taskKey) === hashSlot(keys.meta(userId));
    const { epoch, headSeq, values } = await this.readAtHead(
      userId,
      (tx) => (sameSlot ? tx.hmget(taskKey, 'json', 'eid', 'owner') : tx),
      revocationKey,
    );
    const [json, eid, owner] = sameSlot
      ? (values[0] as (string | null)[])
      : await this.redis.hmget(taskKey, 'json', 'eid', 'owner');
    const mine = json && eid && owner === userId;
    return {
      epoch,
      headSeq,
      task: mine ? (JSON.parse(json) as Task) : null,
      lastEventId: mine ? eid : null,
    };
  }

  /**
   * The user's newest active tasks (at most ACTIVE_LIST_MAX, newest first) and recently finished
   * ones (latest first), with the event position they are exactly as new as.
   */
  async list(userId: string): Promise<TaskListRead> {
    const read = await this.listJson(userId);
    return {
      epoch: read.epoch,
      headSeq: read.headSeq,
      active: JSON.parse(`[${read.active}]`) as Task[],
      finished: JSON.parse(`[${read.finished}]`) as Task[],
    };
  }

  /**
   * `list` without parsing: a snapshot is sent as the stored JSON, joined. With `revocationKey`
   * (in the user's slot), throws SessionRevokedError when that key exists.
   */
  async listJson(userId: string, revocationKey?: string): Promise<TaskListJson> {
    const [epoch, head, active, finished] = await this.listTasks(
      keys.meta(userId),
      keys.log(userId),
      keys.active(userId),
      keys.recent(userId),
      revocationKey ?? keys.meta(userId),
      newEpoch(),
      TASK_TTL_S,
      ACTIVE_LIST_MAX,
      RECENT_FINISHED_MAX,
      revocationKey ? '1' : '0',
    );
    if (epoch === 'revoked') throw new SessionRevokedError();
    return { epoch, headSeq: Number(head), active, finished };
  }
}

function unwrap(result: [Error | null, unknown][] | null): unknown[] {
  if (!result) throw new Error('redis transaction aborted');
  return result.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** A proposed new epoch: the current time in ms (the script moves it past the user's old one when it knows it). */
function newEpoch(): string {
  return String(Date.now());
}
