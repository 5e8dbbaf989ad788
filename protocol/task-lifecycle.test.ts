import { describe, expect, it } from 'vitest';
import { ContractError } from './errors';
import { parseStreamEvent, type StreamEvent, type StreamEventName } from './events';
import type { Task } from './task';
import {
  applyPatch,
  cancelledTask,
  failStepFor,
  newTask,
  parseTaskUpdate,
  type TaskScriptEntry,
  taskScript,
} from './task-lifecycle';
import { getTaskType, stagesOf, type TaskType, taskTypeNames, taskTypes } from './task-types';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

/** A running reddit_leads task at version 1, made by the rule under test itself. */
function task(overrides: Partial<Task> = {}): Task {
  return {
    ...newTask({ id: 't_aaaaaaaaaaaaaaaa', ownerId: 'alice', type: 'reddit_leads', total: 10 }, t0),
    ...overrides,
  };
}

/** The ContractError `fn` throws (failing the test when it throws nothing or something else). */
function appErrorOf(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('expected an ContractError, nothing was thrown');
}

describe('applyPatch', () => {
  it('computes percent from current and total when current is reported', () => {
    const next = applyPatch(task(), { progress: { current: 3 } }, later(1000));
    expect(next.progress).toEqual({ current: 3, total: 10, percent: 30 });
  });

  it('uses a new total when one is reported with current', () => {
    const next = applyPatch(task(), { progress: { current: 1, total: 8 } }, later(1000));
    expect(next.progress).toEqual({ current: 1, total: 8, percent: 12 });
  });

  it('derives current from percent when only percent is reported', () => {
    const next = applyPatch(task(), { progress: { percent: 40 } }, later(1000));
    expect(next.progress).toEqual({ current: 4, total: 10, percent: 40 });
  });

  it('adds one to the version and stamps updatedAt when anything changes', () => {
    const next = applyPatch(task({ version: 7 }), { message: 'hi' }, later(5))!;
    expect(next.version).toBe(8);
    expect(next.updatedAt).toBe(later(5).toISOString());
    expect(next.message).toBe('hi');
  });

  it('throws 400 invalid-progress when current exceeds total', () => {
    const err = appErrorOf(() => applyPatch(task(), { progress: { current: 11 } }, later(1)));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid-progress');
  });

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'throws 409 task-finished when the task is %s',
    (status) => {
      const err = appErrorOf(() => applyPatch(task({ status }), { progress: { current: 1 } }, later(1)));
      expect(err.status).toBe(409);
      expect(err.code).toBe('task-finished');
    },
  );

  it('throws 409 task-finished when a finished task is set running again', () => {
    const err = appErrorOf(() => applyPatch(task({ status: 'completed' }), { status: 'running' }, later(1)));
    expect(err.status).toBe(409);
    expect(err.code).toBe('task-finished');
  });

  it('throws 409 when a running task is moved back to pending', () => {
    const err = appErrorOf(() => applyPatch(task(), { status: 'pending' }, later(1)));
    expect(err.status).toBe(409);
    expect(err.code).toBe('invalid-transition');
  });

  it('starts a pending task when progress is reported', () => {
    const pending = task({ status: 'pending' });
    delete pending.startedAt;
    const next = applyPatch(pending, { progress: { current: 2 } }, later(10));
    expect(next.status).toBe('running');
    expect(next.startedAt).toBe(later(10).toISOString());
  });

  it('sets percent 100, current to total and finishedAt when the task completes', () => {
    const next = applyPatch(
      task({ progress: { current: 3, total: 10, percent: 30 }, etaMs: 500 }),
      { status: 'completed', result: { itemsFound: 4 } },
      later(2000),
    );
    expect(next.status).toBe('completed');
    expect(next.progress).toEqual({ current: 10, total: 10, percent: 100 });
    expect(next.finishedAt).toBe(later(2000).toISOString());
    expect(next.result).toEqual({ itemsFound: 4 });
    expect(next.etaMs).toBeUndefined();
  });

  it('keeps the reported error when the task fails', () => {
    const next = applyPatch(task(), { status: 'failed', error: 'Database timeout' }, later(3));
    expect(next.status).toBe('failed');
    expect(next.error).toBe('Database timeout');
    expect(next.finishedAt).toBe(later(3).toISOString());
  });

  it('sets a readable error when the task fails without one', () => {
    const next = applyPatch(task(), { status: 'failed' }, later(3));
    expect(next.error).toEqual(expect.any(String));
    expect(next.error?.length).toBeGreaterThan(0);
  });

  it('throws 400 when a result or error comes without a final status', () => {
    expect(appErrorOf(() => applyPatch(task(), { result: { a: 1 } }, later(1))).status).toBe(400);
    expect(appErrorOf(() => applyPatch(task(), { error: 'x' }, later(1))).status).toBe(400);
  });

  it('has no etaMs while there is no progress', () => {
    const next = applyPatch(task(), { message: 'warming up' }, later(4000));
    expect(next.etaMs).toBeUndefined();
  });

  it('estimates etaMs from elapsed time once there is progress', () => {
    const next = applyPatch(task(), { progress: { current: 2.5 } }, later(10_000));
    expect(next.progress.percent).toBe(25);
    expect(next.etaMs).toBe(30_000);
  });

  it('merges data with the data already there', () => {
    const next = applyPatch(task({ data: { batch: 1, query: 'a' } }), { data: { batch: 2 } }, later(1));
    expect(next.data).toEqual({ batch: 2, query: 'a' });
  });

  it('does not change the input task', () => {
    const before = task();
    const copy = structuredClone(before);
    applyPatch(before, { progress: { current: 5 }, message: 'm' }, later(1));
    expect(before).toEqual(copy);
  });
});

const createdAt = Date.UTC(2025, 0, 1, 9);

function scriptFor(type: TaskType, failAtStep: number | null = null): TaskScriptEntry[] {
  return taskScript({ id: `t_${type}_0001`, ownerId: 'alice', type, createdAt, failAtStep });
}

/** Sends an entry through the wire format and back, as a client would read it. */
function roundTrip(name: StreamEventName, data: unknown, id?: string): StreamEvent | null {
  return parseStreamEvent(name, JSON.stringify(data), id);
}

/** Runs make their steps per suite or job (protocol/runs.test.ts covers them), not from the registry. */
const registryScripted = taskTypeNames.filter((type) => type !== 'test_run' && type !== 'job_run');

describe('taskScript', () => {
  it.each(registryScripted)('replays the registry steps of %s and completes with its result', (type) => {
    const def = getTaskType(type);
    const script = scriptFor(type);
    expect(script.map((e) => e.name)).toEqual(['started', ...def.steps.map(() => 'progress'), 'completed']);
    expect(script.map((e) => e.task.version)).toEqual(script.map((_, i) => i + 1));
    const progress = script.filter((e) => e.name === 'progress');
    expect(progress.map((e) => e.task.message)).toEqual(def.steps.map((s) => s.message));
    expect(progress.map((e) => e.task.stage)).toEqual(def.steps.map((s) => s.stage));
    expect(progress.map((e) => e.task.progress.current)).toEqual(def.steps.map((s) => s.current));
    for (const [i, e] of progress.entries()) expect(e.task.data).toMatchObject(def.steps[i]?.data ?? {});
    const last = script.at(-1)!.task;
    expect(last).toMatchObject({ status: 'completed', result: def.result, message: def.completedMessage });
    expect(last.progress.percent).toBe(100);
    expect(last.etaMs).toBeUndefined();
    expect(script.at(-1)!.atMs).toBe(def.steps.reduce((sum, s) => sum + s.durationMs, 0));
    for (const e of script) expect(roundTrip(e.name, { task: e.task }, '1.1')).not.toBeNull();
  });

  it.each(registryScripted.flatMap((type) => stagesOf(type).map((stage) => [type, stage] as const)))(
    'fails %s in stage %s with that step’s failMessage',
    (type, stage) => {
      const index = failStepFor(type, stage)!;
      const step = taskTypes[type].steps[index]!;
      expect(step.stage).toBe(stage);
      const script = scriptFor(type, index);
      const last = script.at(-1)!;
      expect(last.name).toBe('failed');
      expect(last.task).toMatchObject({ status: 'failed', error: step.failMessage });
      expect(script.filter((e) => e.name === 'progress')).toHaveLength(index);
      expect(roundTrip('failed', { task: last.task }, '1.9')).not.toBeNull();
    },
  );

  it('falls back to the middle stage when a type has no such stage', () => {
    const stages = stagesOf('reddit_leads');
    expect(stages).not.toContain('database_save');
    const index = failStepFor('reddit_leads', 'database_save')!;
    expect(taskTypes.reddit_leads.steps[index]!.stage).toBe(stages[Math.floor(stages.length / 2)]);
    expect(failStepFor('po_processing', null)).toBeNull();
  });

  it('makes a valid cancelled version of a running task', () => {
    const running = scriptFor('po_processing')[3]!.task;
    const cancelled = cancelledTask(running, new Date(createdAt + 5000));
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      message: 'Cancelled',
      version: running.version + 1,
    });
    expect(cancelled.etaMs).toBeUndefined();
    expect(roundTrip('cancelled', { task: cancelled }, '1.4')).not.toBeNull();
  });

  it('divides step durations by speed', () => {
    const slow = taskScript({
      id: 't_speed_0001',
      ownerId: 'alice',
      type: 'seo_init',
      createdAt,
      speed: 0.5,
    });
    expect(slow.at(-1)!.atMs).toBe(2 * scriptFor('seo_init').at(-1)!.atMs);
  });
});

describe('newTask', () => {
  const input = { id: 't_new_task_0001', ownerId: 'alice', type: 'po_processing' } as const;

  it('makes a running version 1 with the registry total', () => {
    const created = newTask(input, t0);
    expect(created).toMatchObject({ status: 'running', version: 1, startedAt: t0.toISOString() });
    expect(created.progress).toEqual({ current: 0, total: getTaskType('po_processing').total, percent: 0 });
  });

  it.each([
    ['a line break in the message', { message: 'two\nlines' }, 'invalid-task'],
    ['a stage the type does not have', { stage: 'not_a_po_stage' }, 'unknown-stage'],
    ['a total of zero', { total: 0 }, 'invalid-task'],
  ] as const)('throws 400 when the input has %s', (_what, extra, code) => {
    const err = appErrorOf(() => newTask({ ...input, ...extra }, t0));
    expect(err.status).toBe(400);
    expect(err.code).toBe(code);
  });
});

describe('applyPatch output checks', () => {
  const keys = (from: number, count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${from + i}`, i]));

  it('throws 400 when merged data passes the key cap, though each update is valid alone', () => {
    const once = applyPatch(task(), { data: keys(0, 25) }, later(1));
    const err = appErrorOf(() => applyPatch(once, { data: keys(25, 25) }, later(2)));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid-task');
  });

  it('throws 400 unknown-stage when a report names a stage the type does not have', () => {
    const err = appErrorOf(() => applyPatch(task(), { stage: 'database_save' }, later(1)));
    expect(err.code).toBe('unknown-stage');
  });
});

describe('parseTaskUpdate', () => {
  it.each([{}, { progress: {} }, null])(
    'throws 400 invalid-progress for an update that reports nothing: %j',
    (body) => {
      const err = appErrorOf(() => parseTaskUpdate(body));
      expect(err.status).toBe(400);
      expect(err.code).toBe('invalid-progress');
    },
  );

  it('accepts an update with one field', () => {
    expect(parseTaskUpdate({ message: 'Parsing' })).toEqual({ message: 'Parsing' });
  });
});
