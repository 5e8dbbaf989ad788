import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useConnectionStore } from '../stores/connection-store';
import { setSignedIn, setSignedOut } from '../stores/session-store';
import { useTaskStore } from '../stores/task-store';
import { advance, makeTask } from '../test/factories';
import { FakeEventSource } from '../test/fake-event-source';
import { ChannelHub, FakeLocks } from '../test/fake-tabs';
import { StreamRuntime, type StreamRuntimeOptions } from './stream-runtime';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await tick();
}

const immediate = (callback: () => void) => {
  queueMicrotask(callback);
  return () => undefined;
};

describe('StreamRuntime', () => {
  let runtimes: StreamRuntime[] = [];

  beforeEach(() => {
    FakeEventSource.reset();
  });
  afterEach(() => {
    for (const r of runtimes) r.stop();
    runtimes = [];
  });

  function openTab(options: StreamRuntimeOptions): StreamRuntime {
    const runtime = new StreamRuntime({
      windowTarget: null,
      documentTarget: null,
      schedule: immediate,
      ...options,
      client: { createEventSource: (url) => new FakeEventSource(url), random: () => 0.5, ...options.client },
    });
    runtime.start();
    runtimes.push(runtime);
    return runtime;
  }

  it('opens one stream for four tabs and relays its events to the others', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    setSignedIn({ id: 'alice', name: 'alice' });
    const tabs = [0, 1, 2, 3].map(() => openTab({ locks, createChannel: hub.create }));
    await settle();
    expect(tabs.map((t) => t.tabRole)).toEqual(['leader', 'follower', 'follower', 'follower']);
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('started', { task }, '100.5');
    await settle();
    // One message per flushed batch: the loaded list, then the event.
    const relayed = hub.sent.filter((m) => (m as { type?: string }).type === 'ops');
    expect(relayed).toEqual([
      { v: 1, type: 'ops', ops: [{ kind: 'load', tasks: [] }], resumeId: '100.0' },
      { v: 1, type: 'ops', ops: [{ kind: 'tasks', tasks: [task] }], resumeId: '100.5' },
    ]);
    expect(useTaskStore.getState().byId[task.id]).toEqual(task);
    expect(useConnectionStore.getState().connection.status).toBe('live');
  });

  it('hands the stream to another tab that resumes from the last relayed id when the leader closes', async () => {
    const locks = new FakeLocks();
    const hub = new ChannelHub();
    setSignedIn({ id: 'alice', name: 'alice' });
    const [leader, follower] = [
      openTab({ locks, createChannel: hub.create }),
      openTab({ locks, createChannel: hub.create }),
    ];
    await settle();
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('started', { task }, '100.5');
    es.send('progress', { task: advance(task, { percent: 50 }) }, '100.6');
    await settle();
    leader?.stop();
    es.close();
    await settle();
    expect(follower?.tabRole).toBe('leader');
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.6');
  });

  it('opens one stream per tab when Web Locks are missing', async () => {
    setSignedIn({ id: 'alice', name: 'alice' });
    openTab({ locks: null, createChannel: null });
    openTab({ locks: null, createChannel: null });
    await settle();
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('closes the stream and clears tasks when the session ends', async () => {
    setSignedIn({ id: 'alice', name: 'alice' });
    openTab({ locks: null, createChannel: null });
    await settle();
    const es = FakeEventSource.latest();
    es.connect();
    es.send('started', { task: makeTask() }, '100.1');
    await settle();
    setSignedOut('signed-out');
    await settle();
    expect(es.closed).toBe(true);
    expect(useTaskStore.getState().byId).toEqual({});
    expect(useConnectionStore.getState().connection.status).toBe('signed-out');
  });

  it('keeps the tasks and resumes from the last id when the same user signs in after expiry', async () => {
    setSignedIn({ id: 'alice', name: 'alice' });
    openTab({ locks: null, createChannel: null });
    await settle();
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('started', { task }, '100.8');
    es.send('auth-expired', {});
    await settle();
    expect(useConnectionStore.getState().connection.status).toBe('signed-out');
    setSignedIn({ id: 'alice', name: 'alice' });
    await settle();
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.8');
    expect(useTaskStore.getState().byId[task.id]).toEqual(task);
  });

  it('starts afresh from the task list when another user signs in', async () => {
    setSignedIn({ id: 'alice', name: 'alice' });
    openTab({ locks: null, createChannel: null });
    await settle();
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('started', { task }, '100.8');
    es.send('auth-expired', {});
    await settle();
    setSignedIn({ id: 'bob', name: 'bob' });
    await settle();
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.0');
    expect(useTaskStore.getState().byId[task.id]).toBeUndefined();
  });

  it('reconnects at once when the window comes back online', async () => {
    setSignedIn({ id: 'alice', name: 'alice' });
    const win = new EventTarget();
    openTab({ locks: null, createChannel: null, windowTarget: win });
    await settle();
    FakeEventSource.latest().connect();
    win.dispatchEvent(new Event('offline'));
    expect(useConnectionStore.getState().connection.status).toBe('offline');
    win.dispatchEvent(new Event('online'));
    expect(FakeEventSource.instances).toHaveLength(2);
  });
});
