/** Every Redis key and channel taskstream uses, in one place. */
export const keys = {
  /** Names the current life of the data set; a Redis that came back empty gets a new one. */
  epoch: 'ts:epoch',
  /** One user's event counter (never expires, so ids are never reused within an epoch). */
  seq: (userId: string) => `ts:u:${userId}:seq`,
  /** One user's bounded event log: a sorted set scored by seq, members are the event JSON. */
  log: (userId: string) => `ts:u:${userId}:log`,
  /** Ids of one user's tasks that have not finished. */
  active: (userId: string) => `ts:u:${userId}:active`,
  /** Ids of one user's finished tasks, scored by finish time. */
  recent: (userId: string) => `ts:u:${userId}:recent`,
  /** One task: hash of json, v (version), owner, eid (id of its last event). */
  task: (taskId: string) => `ts:task:${taskId}`,
  /** Single-use SSE tickets. */
  ticket: (ticket: string) => `ts:ticket:${ticket}`,
  /** The pub/sub doorbell every process subscribes to; the message is the logged event. */
  eventsChannel: 'ts:events',
} as const;
