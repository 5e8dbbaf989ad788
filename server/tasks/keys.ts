import { randomBytes } from 'node:crypto';
import { SLOT_TAG_LENGTH, slotTagOf } from './hash-slots';

/**
 * Task ids made since the cluster layout: `t` + the owner's slot tag + `_` + 16 random URL-safe
 * characters. Older ids (`t_` + 16) never match, since their second character is `_`.
 */
const slottedTaskId = new RegExp(`^t([0-9a-z]{${SLOT_TAG_LENGTH}})_`);

/**
 * Every Redis key and channel taskstream uses, in one place. Every per-user key carries the user's
 * hash tag `{u:<id>}`, so on a Redis Cluster a user's meta, log, indexes and events channel share
 * one slot. A task's key carries the slot tag its id was made with, which hashes to its owner's slot.
 */
export const keys = {
  /**
   * One user's position in their event sequence: hash of `epoch`, `seq` (the last event's number)
   * and `boot` (the run_id of the Redis instance that wrote it). Kept together so that a Redis that
   * lost or rolled back one of them has lost or rolled back both.
   */
  meta: (userId: string) => `ts:{u:${userId}}:meta`,
  /** One user's bounded event log: a sorted set scored by seq, members are the event JSON. */
  log: (userId: string) => `ts:{u:${userId}}:log`,
  /** Ids of one user's tasks that have not finished. */
  active: (userId: string) => `ts:{u:${userId}}:active`,
  /**
   * Ids of one user's unfinished tasks scored by their last update (ms), kept by the write script:
   * the stall sweeper asks each user for the ones past the timeout instead of reading every task.
   */
  updated: (userId: string) => `ts:{u:${userId}}:updated`,
  /** Ids of one user's finished tasks, scored by finish time. */
  recent: (userId: string) => `ts:{u:${userId}}:recent`,
  /** One user's activity inbox: finished task ids scored by finish time (ms), bounded. */
  inbox: (userId: string) => `ts:{u:${userId}}:inbox`,
  /** The inbox entries' JSON by task id, kept in step with `inbox`. */
  inboxEntries: (userId: string) => `ts:{u:${userId}}:inbox-entries`,
  /** The inbox read marker: the finish time (ms) up to which entries are seen. */
  inboxRead: (userId: string) => `ts:{u:${userId}}:inbox-read`,
  /**
   * One task: hash of json, v (version), owner, eid (id of its last event). Ids from before the
   * cluster layout keep their untagged key, so their tasks stay readable on a single Redis.
   */
  task: (taskId: string) => {
    const tag = slottedTaskId.exec(taskId)?.[1];
    return tag ? `ts:{${tag}}:task:${taskId}` : `ts:task:${taskId}`;
  },
  /**
   * A session token signed out before it expired, by the token's SHA-256 (no usable token is
   * stored). In its user's slot, so a stream's first read checks it in the same round trip.
   */
  revoked: (userId: string, tokenHash: string) => `ts:{u:${userId}}:revoked:${tokenHash}`,
  /** Single-use SSE tickets (single-key commands only, so fine anywhere on a cluster). */
  ticket: (ticket: string) => `ts:ticket:${ticket}`,
  /**
   * One user's pub/sub doorbell; the message is the logged event. Per user so that a process
   * subscribes only to the users it has streams for, and in the user's slot for sharded pub/sub.
   */
  events: (userId: string) => `ts:{u:${userId}}:events`,
} as const;

/** What a per-user key has before and after the user id. */
function around(key: (userId: string) => string): [prefix: string, suffix: string] {
  const [prefix = '', suffix = ''] = key('\u0000').split('\u0000');
  return [prefix, suffix];
}

/** The SCAN pattern matching one per-user key of every user, e.g. `ts:{u:*}:active`. */
export function everyUserPattern(key: (userId: string) => string): string {
  const [prefix, suffix] = around(key);
  return `${prefix}*${suffix}`;
}

const [eventsPrefix, eventsSuffix] = around(keys.events);

/** The user whose `keys.events` channel this is, or null for any other channel. */
export function userOfEventsChannel(channel: string): string | null {
  if (!channel.startsWith(eventsPrefix) || !channel.endsWith(eventsSuffix)) return null;
  return channel.slice(eventsPrefix.length, -eventsSuffix.length) || null;
}

/** A new task id for `ownerId`: 96 random bits, plus the tag that puts its key in the owner's slot. */
export function newTaskId(ownerId: string): string {
  return `t${slotTagOf(keys.meta(ownerId))}_${randomBytes(12).toString('base64url')}`;
}
