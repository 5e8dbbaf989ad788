import { z } from 'zod';
import { type Task, taskSchema, userIdSchema } from './task';

/** Events that carry one task and an `id:` line; the names are the task's transitions. */
export const taskEventNames = ['started', 'progress', 'completed', 'failed', 'cancelled'] as const;
export type TaskEventName = (typeof taskEventNames)[number];

/** Every SSE `event:` name the server may send. Nothing outside this list is ever framed. */
export const streamEventNames = [
  'connected',
  'snapshot',
  ...taskEventNames,
  'reset',
  'heartbeat',
  'auth-expired',
] as const;
export type StreamEventName = (typeof streamEventNames)[number];

export const connectedDataSchema = z.object({
  userId: userIdSchema,
  serverTime: z.iso.datetime(),
  /** Interval of `heartbeat` events in ms; silence past twice this means the stream is dead. */
  heartbeatMs: z.number().int().positive(),
});
export const snapshotDataSchema = z.object({ tasks: z.array(taskSchema) });
export const taskEventDataSchema = z.object({ task: taskSchema });
export const resetDataSchema = z.object({ reason: z.string() });
export const heartbeatDataSchema = z.object({ serverTime: z.iso.datetime() });
export const authExpiredDataSchema = z.object({});

export type ConnectedData = z.infer<typeof connectedDataSchema>;
export type SnapshotData = z.infer<typeof snapshotDataSchema>;
export type TaskEventData = z.infer<typeof taskEventDataSchema>;
export type ResetData = z.infer<typeof resetDataSchema>;
export type HeartbeatData = z.infer<typeof heartbeatDataSchema>;

/** The data schema of each event name: the one place a client looks up how to parse `data:`. */
export const streamEventDataSchemas = {
  connected: connectedDataSchema,
  snapshot: snapshotDataSchema,
  started: taskEventDataSchema,
  progress: taskEventDataSchema,
  completed: taskEventDataSchema,
  failed: taskEventDataSchema,
  cancelled: taskEventDataSchema,
  reset: resetDataSchema,
  heartbeat: heartbeatDataSchema,
  'auth-expired': authExpiredDataSchema,
} as const satisfies Record<StreamEventName, z.ZodType>;

/** A parsed stream event, as the reducer and every client sees it. */
export type StreamEvent =
  | { type: 'connected'; id?: string; data: ConnectedData }
  | { type: 'snapshot'; id?: string; data: SnapshotData }
  | { type: TaskEventName; id: string; data: TaskEventData }
  | { type: 'reset'; id?: string; data: ResetData }
  | { type: 'heartbeat'; id?: string; data: HeartbeatData }
  | { type: 'auth-expired'; id?: string; data: Record<string, never> };

export function isTaskEventName(name: string): name is TaskEventName {
  return (taskEventNames as readonly string[]).includes(name);
}

/**
 * Validates one received SSE message (`event:` name, `id:`, `data:` text) into a StreamEvent,
 * or returns null for an unknown name or a payload that does not match the contract.
 */
export function parseStreamEvent(name: string, data: string, id?: string): StreamEvent | null {
  if (!(streamEventNames as readonly string[]).includes(name)) return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const schema = streamEventDataSchemas[name as StreamEventName];
  const parsed = schema.safeParse(json);
  if (!parsed.success) return null;
  if (isTaskEventName(name)) {
    if (!id) return null;
    return { type: name, id, data: parsed.data as TaskEventData };
  }
  return { type: name, ...(id ? { id } : {}), data: parsed.data } as StreamEvent;
}

/** The task event name for a transition to `task`'s status. */
export function taskEventNameFor(task: Pick<Task, 'status'>, created: boolean): TaskEventName {
  if (created) return 'started';
  switch (task.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
      return task.status;
    default:
      return 'progress';
  }
}
