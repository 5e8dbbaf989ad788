import { describe, expect, it } from 'vitest';
import { parseEventId, taskScript } from '../protocol';
import { MockBackend } from './mock-backend';
import type { StreamSink } from './mock-streams';
import { ManualClock } from './scheduler';

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
    backend.streams.openUserStream(request('/api/events'), sink);
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
    const close = backend.streams.openUserStream(request('/api/events'), first);
    backend.createTask('alice', { type: 'po_processing' });
    clock.advance(2500);
    const seen = first.events.filter((e) => e.id !== undefined);
    const lastSeen = seen.at(-1)!.id!;
    close();
    clock.advance(1500);
    const resumed = recordingSink();
    backend.streams.openUserStream(request('/api/events', lastSeen), resumed);
    const replayed = resumed.events.filter((e) => e.id !== undefined).map((e) => parseEventId(e.id)!.seq);
    expect(resumed.events.map((e) => e.name)).not.toContain('snapshot');
    expect(replayed[0]).toBe(parseEventId(lastSeen)!.seq + 1);
    expect(replayed).toEqual(replayed.map((_, i) => replayed[0]! + i));

    clock.advance(10_000);
    const stale = recordingSink();
    backend.streams.openUserStream(request('/api/events', lastSeen), stale);
    expect(stale.events.map((e) => e.name)).toEqual(['connected', 'reset', 'snapshot']);
    expect(stale.events[1]!.data).toEqual({ reason: 'missed events are no longer retained' });
  });
});
