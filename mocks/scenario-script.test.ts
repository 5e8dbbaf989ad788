import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  getTaskType,
  parseEventId,
  parseStreamEvent,
  type StreamEvent,
  type StreamEventName,
  stagesOf,
  streamFoldOf,
  taskTypeNames,
  taskTypes,
} from '../protocol';
import { MockBackend, type StreamSink } from './mock-backend';
import {
  cancelledTask,
  failStepFor,
  ManualClock,
  Scheduler,
  streamScript,
  type TaskScriptEntry,
  taskScript,
} from './scenario-script';

const createdAt = Date.UTC(2025, 0, 1, 9);

function scriptFor(
  type: (typeof taskTypeNames)[number],
  failAtStep: number | null = null,
): TaskScriptEntry[] {
  return taskScript({ id: `t_${type}_0001`, ownerId: 'alice', type, createdAt, failAtStep });
}

/** Sends an entry through the wire format and back, as a client would read it. */
function roundTrip(name: StreamEventName, data: unknown, id?: string): StreamEvent | null {
  return parseStreamEvent(name, JSON.stringify(data), id);
}

describe('taskScript', () => {
  it.each(taskTypeNames)('replays the registry steps of %s and completes with its result', (type) => {
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

  it.each(taskTypeNames.flatMap((type) => stagesOf(type).map((stage) => [type, stage] as const)))(
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
    const cancelled = cancelledTask(running, createdAt + 5000);
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

describe('streamScript', () => {
  it('is data the contract accepts: increasing ids, heartbeats, every event valid', () => {
    const script = streamScript({
      epoch: '1700000000000',
      userId: 'alice',
      heartbeatMs: 1000,
      openedAt: createdAt,
      tasks: [
        { startAtMs: 0, script: scriptFor('po_processing') },
        { startAtMs: 700, script: scriptFor('rebuild_communities', 2) },
      ],
    });
    expect(script.slice(0, 2).map((s) => s.event.type)).toEqual(['connected', 'snapshot']);
    expect(script.some((s) => s.event.type === 'heartbeat')).toBe(true);
    const ids = script.flatMap((s) => (s.event.id ? [parseEventId(s.event.id)!.seq] : []));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    for (let i = 1; i < script.length; i++)
      expect(script[i]!.atMs).toBeGreaterThanOrEqual(script[i - 1]!.atMs);
    let fold = streamFoldOf();
    for (const { event } of script) {
      const parsed = roundTrip(event.type, event.data, event.id);
      expect(parsed, event.type).not.toBeNull();
      fold = applyEvent(fold, parsed!);
    }
    expect(Object.values(fold.tasks).map((t) => t.status)).toEqual(['completed', 'failed']);
  });
});

describe('Scheduler', () => {
  it('runs jobs in time then insertion order on a virtual clock, and cancels by group', () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler(clock);
    const ran: string[] = [];
    scheduler.after(20, () => ran.push('b'));
    scheduler.after(10, () => ran.push('a1'));
    scheduler.after(10, () => ran.push('a2'));
    scheduler.after(15, () => ran.push('x'), 'task-x');
    scheduler.after(5, () => scheduler.after(5, () => ran.push('nested')));
    scheduler.cancelGroup('task-x');
    clock.advance(9);
    expect(ran).toEqual([]);
    clock.advance(11);
    expect(ran).toEqual(['a1', 'a2', 'nested', 'b']);
    const stop = scheduler.every(100, () => ran.push('tick'));
    clock.advance(250);
    stop();
    clock.advance(500);
    expect(ran.filter((r) => r === 'tick')).toHaveLength(2);
    expect(scheduler.pending).toBe(0);
  });
});

/** A stream sink that records what a client would receive. */
function recordingSink(): StreamSink & {
  events: { name: string; data: unknown; id?: string }[];
  closed: boolean;
} {
  const sink = {
    events: [] as { name: string; data: unknown; id?: string }[],
    closed: false,
    send(name: string, data: unknown, id?: string) {
      sink.events.push(id === undefined ? { name, data } : { name, data, id });
    },
    retry() {},
    close() {
      sink.closed = true;
    },
  };
  return sink;
}

const request = (path: string, lastEventId?: string) => ({
  url: `http://mock.test${path}`,
  headers: { get: (name: string) => (name === 'last-event-id' ? (lastEventId ?? null) : null) },
});

describe('MockBackend on a virtual clock', () => {
  it('plays a task exactly as its script, ids increasing, heartbeats between', () => {
    const clock = new ManualClock();
    const backend = new MockBackend({ clock, config: { heartbeatMs: 1000 } });
    const sink = recordingSink();
    backend.openUserStream(request('/api/events'), sink);
    const task = backend.createTask('alice', { type: 'subreddit_discovery' });
    clock.advance(10_000);
    const taskEvents = sink.events.filter((e) => e.id !== undefined);
    const expected = taskScript({
      id: task.id,
      ownerId: 'alice',
      type: 'subreddit_discovery',
      createdAt: clock.now(),
    });
    expect(taskEvents.map((e) => e.name)).toEqual(expected.map((e) => e.name));
    expect(taskEvents.map((e) => parseEventId(e.id)!.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(sink.events.map((e) => e.name).slice(0, 2)).toEqual(['connected', 'snapshot']);
    expect(sink.events.filter((e) => e.name === 'heartbeat').length).toBeGreaterThanOrEqual(9);
  });

  it('replays exactly the missed events after Last-Event-ID, and resets past the log window', () => {
    const clock = new ManualClock();
    const backend = new MockBackend({ clock, config: { logSize: 4 } });
    const first = recordingSink();
    const close = backend.openUserStream(request('/api/events'), first);
    backend.createTask('alice', { type: 'po_processing' });
    clock.advance(2500);
    const seen = first.events.filter((e) => e.id !== undefined);
    const lastSeen = seen.at(-1)!.id!;
    close();
    clock.advance(1500);
    const resumed = recordingSink();
    backend.openUserStream(request('/api/events', lastSeen), resumed);
    const replayed = resumed.events.filter((e) => e.id !== undefined).map((e) => parseEventId(e.id)!.seq);
    expect(resumed.events.map((e) => e.name)).not.toContain('snapshot');
    expect(replayed[0]).toBe(parseEventId(lastSeen)!.seq + 1);
    expect(replayed).toEqual(replayed.map((_, i) => replayed[0]! + i));

    clock.advance(10_000);
    const stale = recordingSink();
    backend.openUserStream(request('/api/events', lastSeen), stale);
    expect(stale.events.map((e) => e.name)).toEqual(['connected', 'reset', 'snapshot']);
    expect(stale.events[1]!.data).toEqual({ reason: 'missed events are no longer retained' });
  });
});
