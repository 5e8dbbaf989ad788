import { z } from 'zod';
import { taskTypeNames } from './task-types';
import { safeText } from './text';

export const taskStatuses = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const taskStatusSchema = z.enum(taskStatuses);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const terminalStatuses = ['completed', 'failed', 'cancelled'] as const satisfies readonly TaskStatus[];
export type TerminalStatus = (typeof terminalStatuses)[number];
export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

export const taskTriggers = ['manual', 'signup', 'api', 'schedule'] as const;
export const taskTriggerSchema = z.enum(taskTriggers);
export type TaskTrigger = z.infer<typeof taskTriggerSchema>;

export const taskTypeSchema = z.enum(taskTypeNames);

/** Server-made task ids: URL-safe, short. Anything else is a malformed id (400). */
export const taskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed task id');
/** User ids come from a JWT's `sub`; they end up in Redis keys, so they are restricted. */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9_.@-]{1,128}$/, 'malformed user id');
export const stageSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'stage is a lower_snake_case name');

const primitive = z.union([safeText(2000), z.number().finite(), z.boolean(), z.null()]);
/**
 * Task-type-specific live data and results: a flat-ish JSON object of primitives and arrays of
 * them (or of flat objects, e.g. the latest lead rows), bounded so that an event stays small.
 */
export const taskDataSchema = z
  .record(
    safeText(64),
    z.union([primitive, z.array(z.union([primitive, z.record(safeText(64), primitive)])).max(50)]),
  )
  .refine((o) => Object.keys(o).length <= 40, { message: 'at most 40 keys' });
export type TaskData = z.infer<typeof taskDataSchema>;

export const taskProgressSchema = z
  .object({
    current: z.number().finite().nonnegative(),
    total: z.number().finite().positive(),
    percent: z.number().int().min(0).max(100),
  })
  .refine((p) => p.current <= p.total, { message: 'current must not exceed total' });
export type TaskProgress = z.infer<typeof taskProgressSchema>;

const isoDate = z.iso.datetime();

export const taskSchema = z.object({
  id: taskIdSchema,
  type: taskTypeSchema,
  ownerId: userIdSchema,
  status: taskStatusSchema,
  progress: taskProgressSchema,
  stage: stageSchema.optional(),
  message: safeText(500).optional(),
  data: taskDataSchema.optional(),
  result: taskDataSchema.optional(),
  error: safeText(2000).optional(),
  trigger: taskTriggerSchema,
  version: z.number().int().positive(),
  createdAt: isoDate,
  updatedAt: isoDate,
  startedAt: isoDate.optional(),
  finishedAt: isoDate.optional(),
  etaMs: z.number().int().nonnegative().optional(),
});
export type Task = z.infer<typeof taskSchema>;

/** Integer percent of `current` over `total`, clamped to 0..100. */
export function percentOf(current: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((current * 100) / total)));
}
