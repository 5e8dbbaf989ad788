import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyTaskOp,
  initialStreamReading,
  readStreamEvent,
  streamFoldOf,
  type TaskMap,
  type TaskOp,
} from './apply-event';
import {
  parseStreamEvent,
  type StreamEvent,
  streamEventNames,
  type TaskEventName,
  taskEventNames,
} from './events';
import type { Task } from './task';

const at = '2025-01-01T00:00:00.000Z';

function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 't_aaaaaaaaaaaaaaaa',
    type: 'reddit_leads',
    ownerId: 'alice',
    status: 'running',
    progress: { current: 0, total: 10, percent: 0 },
    trigger: 'manual',
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function taskEvent(type: TaskEventName, t: Task, id = '1.1'): StreamEvent {
  return { type, id, data: { task: t } };
}

/** The tasks after folding `events` over `tasks`, through the reader and the reducer. */
function fold(tasks: TaskMap, ...events: StreamEvent[]): TaskMap {
  return events.reduce(applyEvent, streamFoldOf(tasks)).tasks;
}

const snapshotOf = (...tasks: Task[]): StreamEvent => ({ type: 'snapshot', data: { tasks } });
const reset: StreamEvent = { type: 'reset', data: { reason: 'log-trimmed' } };

describe('applyTaskOp', () => {
  it('merges polled tasks by version when a tasks op carries several', () => {
    const newer = task({ version: 5 });
    const other = task({ id: 't_bbbbbbbbbbbbbbbb' });
    const next = applyTaskOp({ [newer.id]: newer }, { kind: 'tasks', tasks: [task({ version: 4 }), other] });
    expect(next).toEqual({ [newer.id]: newer, [other.id]: other });
  });

  it('keeps the current object when versions are equal', () => {
    const a = task({ version: 3, message: 'first' });
    const b = task({ version: 3, message: 'second' });
    expect(applyTaskOp({ [a.id]: a }, { kind: 'tasks', tasks: [b] })[a.id]).toBe(a);
  });

  it('takes a replacing snapshot as is when the client holds higher versions', () => {
    const known = task({ version: 9, message: 'before the reset' });
    const restarted = task({ version: 2, message: 'after the reset' });
    const next = applyTaskOp({ [known.id]: known }, { kind: 'snapshot', tasks: [restarted], replace: true });
    expect(next[known.id]).toBe(restarted);
  });

  it('replaces everything when a load arrives, whatever the versions', () => {
    const known = task({ version: 9 });
    const loaded = task({ id: 't_loadedloadedload', version: 1 });
    expect(applyTaskOp({ [known.id]: known }, { kind: 'load', tasks: [loaded] })).toEqual({
      [loaded.id]: loaded,
    });
  });

  it('empties the state when a clear arrives, and keeps an empty state as is', () => {
    const t = task();
    expect(applyTaskOp({ [t.id]: t }, { kind: 'clear' })).toEqual({});
    const empty: TaskMap = {};
    expect(applyTaskOp(empty, { kind: 'clear' })).toBe(empty);
  });

  it('throws when an op outside the union reaches it', () => {
    const bogus = { kind: 'bogus' } as unknown as TaskOp;
    expect(() => applyTaskOp({}, bogus)).toThrow(/unhandled/);
  });
});

describe('readStreamEvent', () => {
  it('makes the snapshot after a reset a replacing one, and only that one', () => {
    const t = task();
    const afterReset = readStreamEvent(initialStreamReading, reset);
    expect(afterReset.op).toBeNull();
    const first = readStreamEvent(afterReset.reading, snapshotOf(t));
    expect(first.op).toEqual({ kind: 'snapshot', tasks: [t], replace: true });
    expect(readStreamEvent(first.reading, snapshotOf(t)).op).toEqual({
      kind: 'snapshot',
      tasks: [t],
      replace: false,
    });
  });

  it('keeps waiting for the snapshot when other events come between the reset and it', () => {
    const { reading } = readStreamEvent(readStreamEvent(initialStreamReading, reset).reading, {
      type: 'connected',
      data: { userId: 'alice', serverTime: at, heartbeatMs: 1000 },
    });
    expect(reading.afterReset).toBe(true);
  });
});

describe('applyEvent', () => {
  it.each(taskEventNames)('stores the task of a %s event when the task is new', (name) => {
    const t = task({ version: 3 });
    expect(fold({}, taskEvent(name, t))).toEqual({ [t.id]: t });
  });

  it('keeps the current task when an event carries a lower version', () => {
    const newer = task({ version: 5, progress: { current: 5, total: 10, percent: 50 } });
    const older = task({ version: 4, progress: { current: 4, total: 10, percent: 40 } });
    const state: TaskMap = { [newer.id]: newer };
    expect(fold(state, taskEvent('progress', older))).toBe(state);
  });

  it('replaces the task when an event carries a higher version', () => {
    const old = task({ version: 2 });
    const done = task({
      version: 3,
      status: 'completed',
      progress: { current: 10, total: 10, percent: 100 },
    });
    expect(fold({ [old.id]: old }, taskEvent('completed', done))[old.id]).toBe(done);
  });

  it('returns the same fold when the same event is applied twice', () => {
    const t = task({ version: 2 });
    const event = taskEvent('progress', t);
    const once = applyEvent(streamFoldOf(), event);
    expect(applyEvent(once, event)).toBe(once);
    expect(once.tasks).toEqual({ [t.id]: t });
  });

  it('keeps two tasks of one type apart when both get events', () => {
    const a = task({ id: 't_aaaaaaaaaaaaaaaa' });
    const b = task({ id: 't_bbbbbbbbbbbbbbbb' });
    const state = fold({}, taskEvent('started', a), taskEvent('started', b, '1.2'));
    expect(Object.keys(state).sort()).toEqual([a.id, b.id]);
  });

  it('drops tasks the snapshot does not list when a snapshot arrives', () => {
    const gone = task({ id: 't_gonegonegonegone' });
    const listed = task({ id: 't_listedlistedlist', version: 2 });
    expect(fold({ [gone.id]: gone }, snapshotOf(listed))).toEqual({ [listed.id]: listed });
  });

  it('keeps a known higher version when a snapshot without a reset holds an older one', () => {
    const known = task({ version: 9, message: 'newer' });
    const stale = task({ version: 7, message: 'older' });
    expect(fold({ [known.id]: known }, snapshotOf(stale))[known.id]).toBe(known);
  });

  it('takes the snapshot version when it is newer than the known one', () => {
    const known = task({ version: 2 });
    const fresh = task({ version: 4 });
    expect(fold({ [known.id]: known }, snapshotOf(fresh))[known.id]).toBe(fresh);
  });

  it('replaces known higher versions when the snapshot follows a reset', () => {
    const known = task({ version: 9, message: 'old epoch' });
    const restarted = task({ version: 1, message: 'new epoch' });
    expect(fold({ [known.id]: known }, reset, snapshotOf(restarted))[known.id]).toBe(restarted);
  });

  it.each([
    { type: 'connected', data: { userId: 'alice', serverTime: at, heartbeatMs: 15000 } },
    { type: 'heartbeat', data: { serverTime: at } },
    { type: 'auth-expired', data: {} },
  ] as StreamEvent[])('leaves the fold unchanged when a $type event arrives', (event) => {
    const t = task();
    const state = streamFoldOf({ [t.id]: t });
    expect(applyEvent(state, event)).toBe(state);
  });

  it('handles every event name of the contract', () => {
    const samples: Record<(typeof streamEventNames)[number], StreamEvent> = {
      connected: { type: 'connected', data: { userId: 'alice', serverTime: at, heartbeatMs: 1000 } },
      snapshot: snapshotOf(),
      started: taskEvent('started', task()),
      progress: taskEvent('progress', task()),
      completed: taskEvent('completed', task()),
      failed: taskEvent('failed', task()),
      cancelled: taskEvent('cancelled', task()),
      reset,
      heartbeat: { type: 'heartbeat', data: { serverTime: at } },
      'auth-expired': { type: 'auth-expired', data: {} },
    };
    for (const name of streamEventNames) expect(() => fold({}, samples[name])).not.toThrow();
  });

  it('throws when an event type outside the contract reaches it', () => {
    const bogus = { type: 'bogus', data: {} } as unknown as StreamEvent;
    expect(() => fold({}, bogus)).toThrow(/unhandled/);
  });
});

describe('parseStreamEvent', () => {
  const t = task();

  it('returns a task event with its id when the name, data and id are valid', () => {
    const parsed = parseStreamEvent('progress', JSON.stringify({ task: t }), '17.4');
    expect(parsed).toEqual({ type: 'progress', id: '17.4', data: { task: t } });
  });

  it('returns null when the event name is unknown', () => {
    expect(parseStreamEvent('message', JSON.stringify({ task: t }), '1.1')).toBeNull();
    expect(parseStreamEvent('__proto__', '{}')).toBeNull();
  });

  it('returns null when the data is not JSON', () => {
    expect(parseStreamEvent('progress', '{"task":', '1.1')).toBeNull();
    expect(parseStreamEvent('heartbeat', 'not json')).toBeNull();
  });

  it('returns null when a task event has no id', () => {
    expect(parseStreamEvent('progress', JSON.stringify({ task: t }))).toBeNull();
    expect(parseStreamEvent('completed', JSON.stringify({ task: t }), '')).toBeNull();
  });

  it('returns null when the data does not match the event schema', () => {
    expect(
      parseStreamEvent('progress', JSON.stringify({ task: { ...t, status: 'weird' } }), '1.1'),
    ).toBeNull();
    expect(parseStreamEvent('connected', JSON.stringify({ userId: 'alice' }))).toBeNull();
  });

  it('returns a non-task event without an id when none is given', () => {
    const parsed = parseStreamEvent('heartbeat', JSON.stringify({ serverTime: at }));
    expect(parsed).toEqual({ type: 'heartbeat', data: { serverTime: at } });
  });

  it('parses every event name of the contract when its data is valid', () => {
    const data: Record<(typeof streamEventNames)[number], unknown> = {
      connected: { userId: 'alice', serverTime: at, heartbeatMs: 1000 },
      snapshot: { tasks: [t] },
      started: { task: t },
      progress: { task: t },
      completed: { task: t },
      failed: { task: t },
      cancelled: { task: t },
      reset: { reason: 'x' },
      heartbeat: { serverTime: at },
      'auth-expired': {},
    };
    for (const name of streamEventNames) {
      expect(parseStreamEvent(name, JSON.stringify(data[name]), '1.1')?.type).toBe(name);
    }
  });
});
