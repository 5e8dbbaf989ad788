import { z } from 'zod';
import {
  stageSchema,
  taskDataSchema,
  taskIdSchema,
  taskSchema,
  taskStatusSchema,
  taskTriggerSchema,
  taskTypeSchema,
  userIdSchema,
} from './task';
import { safeText } from './text';

export const loginBodySchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const userSchema = z.object({ id: userIdSchema, name: z.string() });
export type User = z.infer<typeof userSchema>;

/**
 * Start parameters. `failAt` names a stage of the type to fail in and `failureRate` (0..1) asks
 * for random failures — both for demos and tests. Other keys are free, type-specific, primitive.
 */
export const taskParamsSchema = z
  .object({
    failAt: stageSchema.optional(),
    failureRate: z.number().min(0).max(1).optional(),
  })
  .catchall(z.union([safeText(500), z.number().finite(), z.boolean()]))
  .refine((o) => Object.keys(o).length <= 20, { message: 'at most 20 params' });
export type TaskParams = z.infer<typeof taskParamsSchema>;

export const createTaskBodySchema = z.strictObject({
  type: taskTypeSchema,
  params: taskParamsSchema.optional(),
  trigger: taskTriggerSchema.optional(),
});
export type CreateTaskBody = z.infer<typeof createTaskBodySchema>;

export const workerCreateTaskBodySchema = z.strictObject({
  ownerId: userIdSchema,
  type: taskTypeSchema,
  total: z.number().finite().positive().optional(),
  trigger: taskTriggerSchema.optional(),
});
export type WorkerCreateTaskBody = z.infer<typeof workerCreateTaskBodySchema>;

/** A partial progress report from a worker. Percent-only reports are allowed (`{ percent: 40 }`). */
export const progressUpdateSchema = z
  .strictObject({
    current: z.number().finite().nonnegative().optional(),
    total: z.number().finite().positive().optional(),
    percent: z.number().finite().min(0).max(100).optional(),
  })
  .refine((p) => p.current === undefined || p.total === undefined || p.current <= p.total, {
    message: 'current must not exceed total',
  });

export const taskUpdateBodySchema = z.strictObject({
  progress: progressUpdateSchema.optional(),
  stage: stageSchema.optional(),
  message: safeText(500).optional(),
  data: taskDataSchema.optional(),
  status: taskStatusSchema.optional(),
  result: taskDataSchema.optional(),
  error: safeText(2000).optional(),
});
export type TaskUpdateBody = z.infer<typeof taskUpdateBodySchema>;

/** Most updates one `POST /api/worker/progress` may carry. */
export const MAX_PROGRESS_BATCH = 500;

/**
 * `POST /api/worker/progress`: many updates in one request, for workers that send many. Each is
 * `{ taskId, ...update }` with the update as `POST /api/tasks/:id/progress` takes it.
 */
export const progressBatchBodySchema = z.strictObject({
  updates: z
    .array(z.object({ taskId: taskIdSchema }).catchall(z.unknown()))
    .min(1)
    .max(MAX_PROGRESS_BATCH),
});

/** One update's outcome, in request order: the version it made, or why it was not applied. */
export const progressBatchResponseSchema = z.object({
  results: z.array(
    z.union([
      z.object({ taskId: z.string(), version: z.number() }),
      z.object({ taskId: z.string(), error: z.object({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});
export type ProgressBatchResponse = z.infer<typeof progressBatchResponseSchema>;

export const listTasksQuerySchema = z.strictObject({
  status: z.enum(['active', 'finished', 'all']).default('all'),
  type: taskTypeSchema.optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

export const taskResponseSchema = z.object({ task: taskSchema });
export const listTasksResponseSchema = z.object({
  tasks: z.array(taskSchema),
  /** The user's latest event id at the time of the read: open the stream at `?lastEventId=<cursor>`. */
  cursor: z.string(),
});
export type ListTasksResponse = z.infer<typeof listTasksResponseSchema>;
export const userResponseSchema = z.object({ user: userSchema });
/**
 * `GET /api/auth/options`: what the sign-in page may offer. `demoUsers` names the seeded users
 * whose password is the public "demo" (never another password); none in production by default.
 */
export const authOptionsResponseSchema = z.object({
  demoUsers: z.array(z.string()),
  signup: z.boolean(),
});
export type AuthOptionsResponse = z.infer<typeof authOptionsResponseSchema>;
export const sseTicketResponseSchema = z.object({ ticket: z.string(), expiresInS: z.number() });

export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const healthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  redis: z.enum(['up', 'down']),
  connections: z.object({
    active: z.number(),
    total: z.number(),
    healthy: z.number(),
    unhealthy: z.number(),
    stale: z.number(),
  }),
  averageConnectionMs: z.number(),
  connectionErrors: z.number(),
  uptimeS: z.number(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** One detected community of the (demo) knowledge graph. */
export const communitySchema = z.object({
  id: z.string(),
  name: z.string(),
  summary: z.string(),
  members: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
});
export type Community = z.infer<typeof communitySchema>;

/** `GET /api/communities`: the user's communities as of their latest completed rebuild. */
export const communitiesResponseSchema = z.object({
  communities: z.array(communitySchema),
  /** How many rebuilds have completed (0: never rebuilt, the seeded starting set). */
  generation: z.number().int().nonnegative(),
  /** When the latest completed rebuild finished, or null when never rebuilt. */
  rebuiltAt: z.iso.datetime().nullable(),
});
export type CommunitiesResponse = z.infer<typeof communitiesResponseSchema>;
