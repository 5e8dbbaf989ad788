import type { Redis } from 'ioredis';
import type { Task, TaskEventName } from '../../protocol';
import { keys } from './keys';

/** Task state and event logs live this long after their last change. */
export const TASK_TTL_S = 24 * 60 * 60;
/** Finished tasks kept per user for lists and snapshots. */
export const RECENT_FINISHED_MAX = 50;

/**
 * Writes one task version and its event atomically: version check, epoch, sequence number, log
 * entry, trim, task state, indexes and the publish all happen in one script, so no reader can
 * see an id without its log entry, and per-user ids are published in order.
 */
const writeEventScript = `
local cur = redis.call('HGET', KEYS[4], 'v')
if ARGV[2] == '0' then
  if cur then return {'exists', cur} end
elseif cur ~= ARGV[2] then
  return {'conflict', cur or ''}
end
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch)
end
local seq = redis.call('INCR', KEYS[2])
local id = epoch .. '.' .. string.format('%d', seq)
local ev = '{"id":"' .. id .. '","type":"' .. ARGV[5] .. '","task":' .. ARGV[4] .. '}'
redis.call('ZADD', KEYS[3], seq, ev)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1 - tonumber(ARGV[9]))
redis.call('EXPIRE', KEYS[3], ARGV[8])
redis.call('HSET', KEYS[4], 'json', ARGV[4], 'v', ARGV[3], 'owner', ARGV[11], 'eid', id)
redis.call('EXPIRE', KEYS[4], ARGV[8])
if ARGV[6] == '1' then
  redis.call('SREM', KEYS[5], ARGV[12])
  redis.call('ZADD', KEYS[6], ARGV[7], ARGV[12])
  redis.call('ZREMRANGEBYRANK', KEYS[6], 0, -1 - tonumber(ARGV[13]))
  redis.call('EXPIRE', KEYS[6], ARGV[8])
else
  redis.call('SADD', KEYS[5], ARGV[12])
end
redis.call('EXPIRE', KEYS[5], ARGV[8])
redis.call('PUBLISH', ARGV[10], ev)
return {'ok', id}
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

/** Parses a logged/published event string. Trusts its shape (only this module writes it). */
export function parseLoggedEvent(raw: string): LoggedEvent {
  const parsed = JSON.parse(raw) as { id: string; type: TaskEventName; task: Task };
  const dot = parsed.id.indexOf('.');
  return {
    id: parsed.id,
    epoch: parsed.id.slice(0, dot),
    seq: Number(parsed.id.slice(dot + 1)),
    type: parsed.type,
    task: parsed.task,
    raw,
  };
}

/** The SSE `data:` of a logged event: `{"task":…}` sliced from the raw JSON. */
export function eventData(ev: LoggedEvent): string {
  return `{${ev.raw.slice(ev.raw.indexOf('"task":'))}`;
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

export class TaskStore {
  private readonly writeEvent: ScriptFn;

  constructor(
    private readonly redis: Redis,
    private readonly options: { logSize: number },
  ) {
    redis.defineCommand('tsWriteEvent', { numberOfKeys: 6, lua: writeEventScript });
    this.writeEvent = (redis as unknown as Record<'tsWriteEvent', ScriptFn>).tsWriteEvent.bind(redis);
  }

  /**
   * Stores `task` (whose version must be the stored version + 1, or 1 for a new task) and
   * logs + publishes its event. A concurrent writer makes this return a conflict, never clobber.
   */
  async write(task: Task, type: TaskEventName): Promise<WriteOutcome> {
    const terminal = type === 'completed' || type === 'failed' || type === 'cancelled';
    const [status, value] = await this.writeEvent(
      keys.epoch,
      keys.seq(task.ownerId),
      keys.log(task.ownerId),
      keys.task(task.id),
      keys.active(task.ownerId),
      keys.recent(task.ownerId),
      newEpoch(),
      String(task.version - 1),
      String(task.version),
      JSON.stringify(task),
      type,
      terminal ? '1' : '0',
      Date.parse(task.finishedAt ?? task.updatedAt),
      TASK_TTL_S,
      this.options.logSize,
      keys.eventsChannel,
      task.ownerId,
      task.id,
      RECENT_FINISHED_MAX,
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

  /** The current epoch, created when Redis has none (a fresh or emptied data set). */
  async epoch(): Promise<string> {
    await this.redis.set(keys.epoch, newEpoch(), 'NX');
    const epoch = await this.redis.get(keys.epoch);
    if (!epoch) throw new Error('epoch vanished');
    return epoch;
  }

  /** Events after `afterSeq`, plus what is needed to tell whether the log still covers them. */
  async readLogAfter(userId: string, afterSeq: number): Promise<LogRead> {
    const result = await this.redis
      .multi()
      .get(keys.epoch)
      .get(keys.seq(userId))
      .zrange(keys.log(userId), 0, 0, 'WITHSCORES')
      .zrangebyscore(keys.log(userId), `(${afterSeq}`, '+inf')
      .exec();
    const [epoch, head, first, events] = unwrap(result) as [string | null, string | null, string[], string[]];
    return {
      epoch: epoch ?? (await this.epoch()),
      headSeq: head ? Number(head) : 0,
      firstSeq: first.length >= 2 ? Number(first[1]) : null,
      events: events.map(parseLoggedEvent),
    };
  }

  /**
   * One of `userId`'s tasks with the event position its state is at least as new as, read in one
   * transaction (for per-task stream snapshots). Another user's task reads as missing.
   */
  async taskAt(
    userId: string,
    taskId: string,
  ): Promise<{ epoch: string; headSeq: number; task: Task | null; lastEventId: string | null }> {
    const result = await this.redis
      .multi()
      .get(keys.epoch)
      .get(keys.seq(userId))
      .hmget(keys.task(taskId), 'json', 'eid', 'owner')
      .exec();
    const [epoch, head, [json, eid, owner]] = unwrap(result) as [
      string | null,
      string | null,
      (string | null)[],
    ];
    const mine = json && eid && owner === userId;
    return {
      epoch: epoch ?? (await this.epoch()),
      headSeq: head ? Number(head) : 0,
      task: mine ? (JSON.parse(json) as Task) : null,
      lastEventId: mine ? eid : null,
    };
  }

  /** The user's active and recently finished tasks, with the event position they are at least as new as. */
  async list(userId: string): Promise<TaskListRead> {
    const result = await this.redis
      .multi()
      .get(keys.epoch)
      .get(keys.seq(userId))
      .smembers(keys.active(userId))
      .zrevrange(keys.recent(userId), 0, RECENT_FINISHED_MAX - 1)
      .exec();
    const [epoch, head, activeIds, finishedIds] = unwrap(result) as [
      string | null,
      string | null,
      string[],
      string[],
    ];
    const ids = [...activeIds, ...finishedIds];
    const tasks = ids.length ? await this.readTasks(ids) : [];
    const active = tasks.filter((t) => t.status === 'pending' || t.status === 'running');
    const finished = tasks.filter((t) => t.status !== 'pending' && t.status !== 'running');
    active.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { epoch: epoch ?? (await this.epoch()), headSeq: head ? Number(head) : 0, active, finished };
  }

  private async readTasks(ids: string[]): Promise<Task[]> {
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(keys.task(id), 'json');
    const rows = unwrap(await pipeline.exec()) as (string | null)[];
    const tasks: Task[] = [];
    for (const json of rows) if (json) tasks.push(JSON.parse(json) as Task);
    return tasks;
  }
}

function unwrap(result: [Error | null, unknown][] | null): unknown[] {
  if (!result) throw new Error('redis transaction aborted');
  return result.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** A new epoch: the current time in ms. A Redis that comes back empty later gets a larger one. */
function newEpoch(): string {
  return String(Date.now());
}
