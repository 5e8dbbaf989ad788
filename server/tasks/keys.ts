/**
 * Every Redis key and channel taskstream uses, in one place. Every per-user key carries the user's
 * hash tag `{u:<id>}`, so on a Redis Cluster a user's meta, log and indexes share one slot. Task
 * hashes are looked up by task id alone and keep their untagged name.
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
  /** Ids of one user's finished tasks, scored by finish time. */
  recent: (userId: string) => `ts:{u:${userId}}:recent`,
  /** One user's activity inbox: finished task ids scored by finish time (ms), bounded. */
  inbox: (userId: string) => `ts:{u:${userId}}:inbox`,
  /** The inbox entries' JSON by task id, kept in step with `inbox`. */
  inboxEntries: (userId: string) => `ts:{u:${userId}}:inbox-entries`,
  /** The inbox read marker: the finish time (ms) up to which entries are seen. */
  inboxRead: (userId: string) => `ts:{u:${userId}}:inbox-read`,
  /** One task: hash of json, v (version), owner, eid (id of its last event). */
  task: (taskId: string) => `ts:task:${taskId}`,
  /** Single-use SSE tickets. */
  ticket: (ticket: string) => `ts:ticket:${ticket}`,
  /** The pub/sub doorbell every process subscribes to; the message is the logged event. */
  eventsChannel: 'ts:events',
} as const;
