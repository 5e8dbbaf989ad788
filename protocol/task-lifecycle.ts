import type { z } from 'zod';
import { ContractError, validationError } from './errors';
import { type TaskEventName, taskEventNameFor } from './events';
import { withGeneratedRows } from './reddit-leads';
import {
  type CreateTaskBody,
  createTaskBodySchema,
  type TaskParams,
  type TaskUpdateBody,
  taskUpdateBodySchema,
  type WorkerCreateTaskBody,
  workerCreateTaskBodySchema,
} from './requests';
import { checkRunParams, runStepScript } from './runs';
import { isTerminal, percentOf, type Task, type TaskTrigger, taskSchema } from './task';
import { getTaskType, stagesOf, type TaskType } from './task-types';

/**
 * The task lifecycle as pure functions: the server's ProgressTracker and simulated runner and the
 * mocks' scripts all build every task version here, so both sides produce the same tasks and
 * refuse the same input with the same 4xx.
 */

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

function parseCreateBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const unknownType = parsed.error.issues.some((i) => i.path[0] === 'type');
  throw validationError(parsed.error, unknownType ? 'unknown-task-type' : 'invalid-request');
}

/** `POST /api/tasks`: 400 `unknown-task-type`, `unknown-stage` (a `failAt` the type lacks) or `invalid-request`. */
export function parseCreateTaskBody(body: unknown): CreateTaskBody {
  const parsed = parseCreateBody(createTaskBodySchema, body);
  if (parsed.params?.failAt) checkStage(parsed.type, parsed.params.failAt);
  checkRunParams(parsed.type, parsed.params ?? {});
  return parsed;
}

/** 400 `unknown-stage` unless `stage` is one of the type's stages. */
function checkStage(type: TaskType, stage: string): void {
  if (stagesOf(type).includes(stage)) return;
  const stages = stagesOf(type).join(', ');
  throw new ContractError('unknown-stage', `${type} has no stage "${stage}" (stages: ${stages})`, 400);
}

/** `POST /api/worker/tasks`. */
export function parseWorkerCreateTaskBody(body: unknown): WorkerCreateTaskBody {
  return parseCreateBody(workerCreateTaskBodySchema, body);
}

/** A progress report (HTTP ingestion or the TS tracker): 400 `invalid-progress`, also for `{}`, which would change nothing. */
export function parseTaskUpdate(body: unknown): TaskUpdateBody {
  const parsed = taskUpdateBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(parsed.error, 'invalid-progress');
  const progress = parsed.data.progress;
  const reportsNothing =
    Object.values(parsed.data).every((v) => v === undefined) ||
    (progress !== undefined && Object.keys(parsed.data).length === 1 && Object.keys(progress).length === 0);
  if (reportsNothing) throw new ContractError('invalid-progress', 'the update reports nothing', 400);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Task versions
// ---------------------------------------------------------------------------------------------

/**
 * Every version a write path produces must pass the protocol's own schema (a client validates
 * snapshots as a whole) and name only stages of its type: a clear 400, and nothing is written.
 */
function checkedTask(task: Task): Task {
  const parsed = taskSchema.safeParse(task);
  if (!parsed.success) throw validationError(parsed.error, 'invalid-task');
  if (task.stage !== undefined) checkStage(task.type, task.stage);
  return task;
}

export interface NewTaskInput {
  id: string;
  ownerId: string;
  type: TaskType;
  /** Progress total; defaults to the registry's total for the type. */
  total?: number;
  trigger?: TaskTrigger;
  /** `running` for workers that start at once; `pending` for tasks an outside worker will pick up. */
  status?: 'pending' | 'running';
  stage?: string;
  message?: string;
}

/** Version 1 of a task, as `started` carries it. 400 when the result would break the task schema. */
export function newTask(input: NewTaskInput, at: Date): Task {
  const now = at.toISOString();
  const status = input.status ?? 'running';
  return checkedTask({
    id: input.id,
    type: input.type,
    ownerId: input.ownerId,
    status,
    progress: { current: 0, total: input.total ?? getTaskType(input.type).total, percent: 0 },
    trigger: input.trigger ?? 'manual',
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...(status === 'running' ? { startedAt: now } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.message !== undefined ? { message: input.message } : {}),
  });
}

/**
 * The next version of `task` after `patch`: 409 for a finished task or a step back to pending,
 * 400 for progress past the total, a result or error before the end, or a version the task
 * schema refuses (e.g. `data` merged past its key cap).
 */
export function applyPatch(task: Task, patch: TaskUpdateBody, at: Date): Task {
  if (isTerminal(task.status)) {
    throw new ContractError('task-finished', `task is already ${task.status} and cannot change`, 409);
  }
  const now = at.toISOString();
  let status = patch.status ?? task.status;
  if (status === 'pending' && task.status === 'running') {
    throw new ContractError('invalid-transition', 'a running task cannot go back to pending', 409);
  }
  if (status === 'pending' && patch.progress) status = 'running';

  const total = patch.progress?.total ?? task.progress.total;
  let current = task.progress.current;
  if (patch.progress?.current !== undefined) current = patch.progress.current;
  else if (patch.progress?.percent !== undefined) current = (patch.progress.percent / 100) * total;
  if (status === 'completed') current = total;
  if (current > total) throw new ContractError('invalid-progress', 'current must not exceed total', 400);
  const percent =
    patch.progress?.percent !== undefined && patch.progress.current === undefined && status !== 'completed'
      ? Math.floor(patch.progress.percent)
      : percentOf(current, total);

  const next: Task = {
    ...task,
    status,
    progress: { current, total, percent },
    version: task.version + 1,
    updatedAt: now,
  };
  if (patch.stage !== undefined) next.stage = patch.stage;
  if (patch.message !== undefined) next.message = patch.message;
  if (patch.data !== undefined) next.data = { ...task.data, ...patch.data };
  if (status !== 'pending' && !next.startedAt) next.startedAt = now;

  if (isTerminal(status)) {
    next.finishedAt = now;
    delete next.etaMs;
    if (status === 'completed') {
      if (patch.result !== undefined) next.result = patch.result;
      delete next.error;
    } else if (status === 'failed') {
      next.error = patch.error ?? task.error ?? 'The task failed';
    }
  } else {
    if (patch.result !== undefined || patch.error !== undefined) {
      throw new ContractError('invalid-progress', 'result and error are set only with a final status', 400);
    }
    const eta = estimateRemainingMs(next, at);
    if (eta === undefined) delete next.etaMs;
    else next.etaMs = eta;
  }
  return checkedTask(next);
}

/** What `POST /api/tasks/:id/cancel` applies. */
export const cancelPatch = { status: 'cancelled', message: 'Cancelled' } as const satisfies TaskUpdateBody;

/** The `cancelled` version of an unfinished task. */
export function cancelledTask(task: Task, at: Date): Task {
  return applyPatch(task, cancelPatch, at);
}

/** Linear estimate from elapsed time and percent done; undefined until there is something to go on. */
export function estimateRemainingMs(task: Task, at: Date): number | undefined {
  const p = task.progress.percent;
  if (!task.startedAt || p <= 0 || p >= 100) return undefined;
  const elapsed = at.getTime() - Date.parse(task.startedAt);
  return Math.max(0, Math.round((elapsed * (100 - p)) / p));
}

// ---------------------------------------------------------------------------------------------
// The step script of a type, from the registry
// ---------------------------------------------------------------------------------------------

/** The error a person reads when a task fails in `stepIndex` (the registry's `failMessage`). */
export function failMessageOf(type: TaskType, stepIndex: number): string {
  const def = getTaskType(type);
  const step = def.steps[stepIndex];
  if (!step) return `${def.title} failed`;
  return step.failMessage ?? `${def.title} failed while ${step.stage.replace(/_/g, ' ')}`;
}

/**
 * The step index a task fails at for a stage name: the first step of that stage. A stage the type
 * does not have falls back to the type's middle stage, so a scenario-wide "fail in stage X" still
 * fails every type somewhere sensible. `null` stage = no failure.
 */
export function failStepFor(type: TaskType, stage: string | null | undefined): number | null {
  if (!stage) return null;
  const stages = stagesOf(type);
  const target = stages.includes(stage) ? stage : stages[Math.floor(stages.length / 2)];
  const index = getTaskType(type).steps.findIndex((s) => s.stage === target);
  return index >= 0 ? index : null;
}

/** Where a task with `failureRate` (0..1 over the whole task) fails, drawn step by step; null = it does not. */
export function randomFailStep(type: TaskType, failureRate: number, random: () => number): number | null {
  const steps = getTaskType(type).steps;
  const index = steps.findIndex(() => random() < failureRate / steps.length);
  return index >= 0 ? index : null;
}

/** One step of a type's script: wait `durationMs` (at speed 1), then apply `patch`. */
export interface ScriptedStep {
  readonly durationMs: number;
  readonly patch: TaskUpdateBody;
}

/**
 * A type's work as patches: one progress report per registry step, then completion with the
 * registry's result — or, when `failAtStep` is set, a failure with that step's message once its
 * time is up. The simulated runner applies them on real timers; the mocks on their scheduler.
 * With `run`, steps also carry the rows that task's batches produce (`withGeneratedRows`).
 */
export function stepScript(
  type: TaskType,
  failAtStep: number | null = null,
  run?: { taskId: string; params: TaskParams },
): ScriptedStep[] {
  // Runs (seed 001) depend on their suite or job, so their steps are made per run.
  const generated = run ? runStepScript(type, run, failAtStep) : null;
  if (generated) return generated;
  const def = getTaskType(type);
  const script: ScriptedStep[] = [];
  for (const [index, step] of def.steps.entries()) {
    if (index === failAtStep) {
      script.push({
        durationMs: step.durationMs,
        patch: { status: 'failed', error: failMessageOf(type, index) },
      });
      return script;
    }
    const patch: TaskUpdateBody = {
      progress: { current: step.current, total: def.total },
      stage: step.stage,
      message: step.message,
      ...(step.data ? { data: { ...step.data } } : {}),
    };
    script.push({
      durationMs: step.durationMs,
      patch: run === undefined ? patch : withGeneratedRows(type, run.taskId, index, patch),
    });
  }
  script.push({
    durationMs: 0,
    patch: { status: 'completed', result: { ...def.result }, message: def.completedMessage },
  });
  return script;
}

/** One task event of a script: `atMs` after the task was created. */
export interface TaskScriptEntry {
  readonly atMs: number;
  readonly name: TaskEventName;
  readonly task: Task;
}

export interface TaskScriptOptions {
  id: string;
  ownerId: string;
  type: TaskType;
  trigger?: TaskTrigger;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Divides every step duration, like the server's `SIMULATION_SPEED`. Default 1. */
  speed?: number;
  /** Index of the step the task fails in (it fails once that step's time is up), or null. */
  failAtStep?: number | null;
  /** The start parameters (a run's suite or job). */
  params?: TaskParams;
  /** Steps to run instead of the registry's (a task type told in one job's own numbers). */
  script?: readonly ScriptedStep[];
}

/**
 * Every version of one task as data: `started` at 0, then `stepScript` applied step by step with
 * the versions, timestamps and ETAs the server's tracker would give them.
 */
export function taskScript(options: TaskScriptOptions): TaskScriptEntry[] {
  const speed = options.speed ?? 1;
  let task = newTask(
    {
      id: options.id,
      ownerId: options.ownerId,
      type: options.type,
      ...(options.trigger ? { trigger: options.trigger } : {}),
    },
    new Date(options.createdAt),
  );
  const entries: TaskScriptEntry[] = [{ atMs: 0, name: 'started', task }];
  let atMs = 0;
  const run = { taskId: options.id, params: options.params ?? {} };
  for (const step of options.script ?? stepScript(options.type, options.failAtStep ?? null, run)) {
    atMs += Math.round(step.durationMs / speed);
    task = applyPatch(task, step.patch, new Date(options.createdAt + atMs));
    entries.push({ atMs, name: taskEventNameFor(task, false), task });
  }
  return entries;
}
