import { describe, expect, it } from 'vitest';
import { applyEvent, applySnapshot, mergeTask, type TaskMap } from './apply-event';
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

describe('applyEvent', () => {
  it.each(taskEventNames)('stores the task of a %s event when the task is new', (name) => {
    const t = task({ version: 3 });
    const state = applyEvent({}, taskEvent(name, t));
    expect(state).toEqual({ [t.id]: t });
  });

  it('keeps the current task when an event carries a lower version', () => {
    const newer = task({ version: 5, progress: { current: 5, total: 10, percent: 50 } });
    const older = task({ version: 4, progress: { current: 4, total: 10, percent: 40 } });
    const state: TaskMap = { [newer.id]: newer };
    const next = applyEvent(state, taskEvent('progress', older));
    expect(next).toBe(state);
    expect(next[newer.id]?.version).toBe(5);
  });

  it('replaces the task when an event carries a higher version', () => {
    const old = task({ version: 2 });
    const done = task({
      version: 3,
      status: 'completed',
      progress: { current: 10, total: 10, percent: 100 },
    });
    const next = applyEvent({ [old.id]: old }, taskEvent('completed', done));
    expect(next[old.id]).toBe(done);
  });

  it('returns the same state when the same event is applied twice', () => {
    const t = task({ version: 2 });
    const event = taskEvent('progress', t);
    const once = applyEvent({}, event);
    const twice = applyEvent(once, event);
    expect(twice).toBe(once);
    expect(twice).toEqual({ [t.id]: t });
  });

  it('keeps two tasks of one type apart when both get events', () => {
    const a = task({ id: 't_aaaaaaaaaaaaaaaa' });
    const b = task({ id: 't_bbbbbbbbbbbbbbbb' });
    const state = applyEvent(applyEvent({}, taskEvent('started', a)), taskEvent('started', b, '1.2'));
    expect(Object.keys(state).sort()).toEqual([a.id, b.id]);
  });

  it('drops tasks the snapshot does not list when a snapshot arrives', () => {
    const gone = task({ id: 't_gonegonegonegone' });
    const listed = task({ id: 't_listedlistedlist', version: 2 });
    const next = applyEvent({ [gone.id]: gone }, { type: 'snapshot', data: { tasks: [listed] } });
    expect(next).toEqual({ [listed.id]: listed });
  });

  it('keeps a known higher version when the snapshot holds an older one', () => {
    const known = task({ version: 9, message: 'newer' });
    const stale = task({ version: 7, message: 'older' });
    const next = applyEvent({ [known.id]: known }, { type: 'snapshot', data: { tasks: [stale] } });
    expect(next[known.id]).toBe(known);
  });

  it('takes the snapshot version when it is newer than the known one', () => {
    const known = task({ version: 2 });
    const fresh = task({ version: 4 });
    const next = applyEvent({ [known.id]: known }, { type: 'snapshot', data: { tasks: [fresh] } });
    expect(next[known.id]).toBe(fresh);
  });

  it.each([
    { type: 'connected', data: { userId: 'alice', serverTime: at, heartbeatMs: 15000 } },
    { type: 'reset', data: { reason: 'gone' } },
    { type: 'heartbeat', data: { serverTime: at } },
    { type: 'auth-expired', data: {} },
  ] as StreamEvent[])('leaves the state unchanged when a $type event arrives', (event) => {
    const t = task();
    const state: TaskMap = { [t.id]: t };
    expect(applyEvent(state, event)).toBe(state);
  });

  it('handles every event name of the contract', () => {
    const samples: Record<(typeof streamEventNames)[number], StreamEvent> = {
      connected: { type: 'connected', data: { userId: 'alice', serverTime: at, heartbeatMs: 1000 } },
      snapshot: { type: 'snapshot', data: { tasks: [] } },
      started: taskEvent('started', task()),
      progress: taskEvent('progress', task()),
      completed: taskEvent('completed', task()),
      failed: taskEvent('failed', task()),
      cancelled: taskEvent('cancelled', task()),
      reset: { type: 'reset', data: { reason: 'x' } },
      heartbeat: { type: 'heartbeat', data: { serverTime: at } },
      'auth-expired': { type: 'auth-expired', data: {} },
    };
    for (const name of streamEventNames) expect(() => applyEvent({}, samples[name])).not.toThrow();
  });

  it('throws when an event type outside the contract reaches it', () => {
    const bogus = { type: 'bogus', data: {} } as unknown as StreamEvent;
    expect(() => applyEvent({}, bogus)).toThrow(/unhandled/);
  });
});

describe('mergeTask', () => {
  it('keeps the current object when versions are equal', () => {
    const a = task({ version: 3, message: 'first' });
    const b = task({ version: 3, message: 'second' });
    expect(mergeTask({ [a.id]: a }, b)[a.id]).toBe(a);
  });
});

describe('applySnapshot', () => {
  it('returns an empty state when the snapshot is empty', () => {
    const t = task();
    expect(applySnapshot({ [t.id]: t }, [])).toEqual({});
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
