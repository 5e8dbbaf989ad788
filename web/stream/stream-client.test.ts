import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Task, TaskOp } from '../../protocol';
import type { ConnectionState } from '../stores/connection-store';
import { advance, finish, makeTask } from '../test/factories';
import { FakeEventSource } from '../test/fake-event-source';
import { server } from '../test/msw-server';
import { StreamClient, type StreamClientOptions } from './stream-client';
import type { RejectedTask } from './task-list';

interface Harness {
  client: StreamClient;
  ops: TaskOp[];
  states: ConnectionState[];
  signedOut: string[];
  requests: string[];
  state: () => ConnectionState | undefined;
}

let watched: string[] = [];

function setup(options: Partial<StreamClientOptions> = {}): Harness {
  const ops: TaskOp[] = [];
  const states: ConnectionState[] = [];
  const signedOut: string[] = [];
  const requests: string[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}${url.search}`);
  });
  const client = new StreamClient({
    createEventSource: (url) => new FakeEventSource(url),
    random: () => 0.5,
    activeTaskIds: () => watched,
    onOp: (op) => ops.push(op),
    onState: (s) => states.push(s),
    onSignedOut: (reason) => signedOut.push(reason),
    ...options,
  });
  return { client, ops, states, signedOut, requests, state: () => states[states.length - 1] };
}

/** Lets pending fetches resolve without moving the clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
}

/** Moves the clock to the next scheduled reconnect. */
async function untilRetry(h: Harness): Promise<void> {
  const state = h.state();
  if (state?.status !== 'reconnecting' && state?.status !== 'polling') throw new Error('not waiting');
  await vi.advanceTimersByTimeAsync(Math.max(0, state.nextAt - Date.now()));
}

function taskEvent(task: Task): { task: Task } {
  return { task };
}

describe('StreamClient', () => {
  let harness: Harness | null = null;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    FakeEventSource.reset();
    watched = [];
  });

  afterEach(() => {
    harness?.client.stop();
    harness = null;
    server.events.removeAllListeners();
    vi.useRealTimers();
  });

  async function started(options: Partial<StreamClientOptions> = {}): Promise<Harness> {
    harness = setup(options);
    harness.client.start();
    await settle();
    return harness;
  }

  it('opens the stream at the cursor of the task list when it starts', async () => {
    const running = makeTask({ percent: 30 });
    server.use(http.get('/api/tasks', () => HttpResponse.json({ tasks: [running], cursor: '7.3' })));
    const h = await started();
    expect(h.ops[0]).toEqual({ kind: 'load', tasks: [running] });
    expect(FakeEventSource.instances.map((s) => s.url)).toEqual(['/api/events?lastEventId=7.3']);
    expect(h.state()).toEqual({ status: 'connecting' });
    FakeEventSource.latest().connect();
    expect(h.state()?.status).toBe('live');
  });

  it('feeds valid task events in order and ignores frames that break the contract', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('started', taskEvent(task), '100.1');
    es.send('progress', { task: { ...task, progress: { current: 5, total: 1, percent: 500 } } }, '100.2');
    es.send('progress', taskEvent(advance(task, { percent: 30 })));
    es.send('progress', 'not json', '100.3');
    expect(h.ops.filter((op) => op.kind === 'tasks')).toEqual([{ kind: 'tasks', tasks: [task] }]);
    expect(h.client.resumeId).toBe('100.1');
  });

  it('lets the browser retry once after a live stream drops, then resumes with the last id', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect();
    es.send('progress', taskEvent(makeTask()), '100.7');
    es.fail(true);
    expect(h.state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(es.closed).toBe(false);
    // The browser's own retry (after the server's `retry:`) fails too: the client takes over.
    es.fail(true);
    expect(es.closed).toBe(true);
    const waiting = h.state();
    expect(waiting).toMatchObject({ status: 'reconnecting', attempt: 2 });
    await vi.advanceTimersByTimeAsync(waiting?.status === 'reconnecting' ? waiting.nextAt - Date.now() : 0);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.7');
  });

  it('goes live again without a new request when the browser retry succeeds', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect();
    es.fail(true);
    es.connect();
    expect(h.state()?.status).toBe('live');
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('backs off with full jitter from 1 s up to the 30 s cap when connections keep failing', async () => {
    const h = await started({ random: () => 0.5 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const before = FakeEventSource.instances.length;
      FakeEventSource.latest().fail(false);
      await settle();
      const state = h.state();
      if (state?.status !== 'reconnecting' && state?.status !== 'polling') throw new Error('not waiting');
      const delay = state.nextAt - Date.now();
      delays.push(delay);
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(FakeEventSource.instances).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeEventSource.instances).toHaveLength(before + 1);
    }
    // 0.5 × min(30 s, 1 s × 2^attempt), never under the 1 s floor.
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  it('waits up to the cap, never more, with the worst draw', async () => {
    const h = await started({ random: () => 1 });
    for (let attempt = 1; attempt <= 8; attempt++) {
      FakeEventSource.latest().fail(false);
      await settle();
      const state = h.state();
      if (state?.status !== 'reconnecting' && state?.status !== 'polling') throw new Error('not waiting');
      expect(state.nextAt - Date.now()).toBeLessThanOrEqual(30_000);
      await vi.advanceTimersByTimeAsync(state.nextAt - Date.now());
    }
    const last = h.state();
    expect(last?.status === 'polling' && last.nextAt - Date.now()).toBe(0);
  });

  it('signs out when the stream is refused and the session probe answers 401', async () => {
    const h = await started();
    server.use(
      http.get('/api/auth/me', () =>
        HttpResponse.json({ error: { code: 'unauthorized', message: 'sign in required' } }, { status: 401 }),
      ),
    );
    FakeEventSource.latest().fail(false);
    await settle();
    expect(h.state()).toEqual({ status: 'signed-out' });
    expect(h.signedOut).toEqual(['expired']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('signs out when the task list answers 401 on start', async () => {
    server.use(
      http.get('/api/tasks', () =>
        HttpResponse.json({ error: { code: 'unauthorized', message: 'sign in required' } }, { status: 401 }),
      ),
    );
    const h = await started();
    expect(h.state()).toEqual({ status: 'signed-out' });
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('retries by itself after EventSource gives up on a 429 or 503 while signed in', async () => {
    const h = await started();
    // EventSource shows a 429/503 as an error with readyState CLOSED; the session is fine.
    FakeEventSource.latest().fail(false);
    await settle();
    expect(h.state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(h.requests).toContain('GET /api/auth/me');
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.latest().connect();
    expect(h.state()?.status).toBe('live');
  });

  it('reconnects when no frame arrives for twice the heartbeat interval', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect(1000);
    es.send('progress', taskEvent(makeTask()), '100.9');
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900);
      es.send('heartbeat', { serverTime: new Date().toISOString() });
    }
    expect(es.closed).toBe(false);
    // The watchdog looks once a second: silence past 2 s is seen within the next second.
    await vi.advanceTimersByTimeAsync(1900);
    expect(es.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1100);
    expect(es.closed).toBe(true);
    expect(h.state()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.9');
  });

  it('judges silence by timestamps, so a late watchdog tick after frames kept coming does not reconnect', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect(1000);
    // A hidden tab: timers do not run for 10 s, but frames keep arriving.
    for (let i = 0; i < 10; i++) {
      vi.setSystemTime(Date.now() + 1000);
      es.send('heartbeat', { serverTime: new Date().toISOString() });
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(es.closed).toBe(false);
    expect(h.state()?.status).toBe('live');
  });

  it('reconnects at once when the page becomes visible with a stale stream', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect(15_000);
    // Timers were throttled while hidden: the clock moved, the watchdog did not run.
    vi.setSystemTime(Date.now() + 31_000);
    h.client.handleVisible();
    expect(es.closed).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.latest().closed).toBe(false);
  });

  it('leaves a fresh stream alone when the page becomes visible', async () => {
    const h = await started();
    FakeEventSource.latest().connect(15_000);
    vi.setSystemTime(Date.now() + 5000);
    h.client.handleVisible();
    h.client.handleOnline();
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(h.state()?.status).toBe('live');
  });

  it('pauses while offline and reconnects at once when back online', async () => {
    const h = await started();
    FakeEventSource.latest().connect();
    h.client.handleOffline();
    expect(h.state()).toEqual({ status: 'offline' });
    expect(FakeEventSource.latest().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
    h.client.handleOnline();
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('replaces state from the snapshot that follows a reset', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect();
    const task = makeTask();
    es.send('reset', { reason: 'log-trimmed' });
    es.send('snapshot', { tasks: [task] });
    es.send('snapshot', { tasks: [task] });
    expect(h.ops.filter((op) => op.kind === 'snapshot')).toEqual([
      { kind: 'snapshot', tasks: [task], replace: true },
      { kind: 'snapshot', tasks: [task], replace: false },
    ]);
  });

  it('keeps the other tasks and reports the one the contract rejects when a snapshot holds a bad task', async () => {
    const rejected: RejectedTask[] = [];
    const h = await started({ onRejectedTasks: (r) => rejected.push(...r) });
    const es = FakeEventSource.latest();
    es.connect();
    const good = makeTask();
    const bad = { ...makeTask(), status: 'exploded' };
    es.send('snapshot', { tasks: [good, bad] });
    expect(h.ops.filter((op) => op.kind === 'snapshot')).toEqual([
      { kind: 'snapshot', tasks: [good], replace: false },
    ]);
    expect(rejected).toEqual([{ id: bad.id, reason: expect.stringContaining('status') }]);
  });

  it('loads the other tasks and reports the one the contract rejects when the list holds a bad task', async () => {
    const good = makeTask();
    const bad = { ...makeTask(), version: -1 };
    server.use(http.get('/api/tasks', () => HttpResponse.json({ tasks: [bad, good], cursor: '7.3' })));
    const rejected: RejectedTask[] = [];
    const h = await started({ onRejectedTasks: (r) => rejected.push(...r) });
    expect(h.ops[0]).toEqual({ kind: 'load', tasks: [good] });
    expect(rejected.map((r) => r.id)).toEqual([bad.id]);
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=7.3');
  });

  it('reads the list from the request started at boot instead of asking again', async () => {
    const running = makeTask();
    const prefetched = Promise.resolve(HttpResponse.json({ tasks: [running], cursor: '9.1' }));
    let taken = 0;
    const h = await started({
      takePrefetchedTaskList: () => (taken++ === 0 ? prefetched : null),
    });
    expect(h.requests).not.toContain('GET /api/tasks');
    expect(h.ops[0]).toEqual({ kind: 'load', tasks: [running] });
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=9.1');
  });

  it('polls active tasks while the stream is down and hands back when it returns', async () => {
    const running = makeTask({ percent: 40 });
    const watchedTask = makeTask();
    watched = [watchedTask.id];
    server.use(
      http.get('/api/tasks', ({ request }) =>
        new URL(request.url).searchParams.get('status') === 'active'
          ? HttpResponse.json({ tasks: [running], cursor: '100.20' })
          : HttpResponse.json({ tasks: [], cursor: '100.0' }),
      ),
      http.get('/api/tasks/:id', ({ params }) =>
        params.id === watchedTask.id
          ? HttpResponse.json({ task: finish(watchedTask, 'completed') })
          : HttpResponse.json({ error: { code: 'not-found', message: 'task not found' } }, { status: 404 }),
      ),
    );
    const h = await started({ random: () => 1, pollAfterMs: 2500, pollIntervalMs: 5000 });
    FakeEventSource.latest().fail(false); // refused: the server is overloaded
    await settle();
    expect(h.state()?.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(2500);
    await settle();
    expect(h.state()).toMatchObject({ status: 'polling', intervalMs: 5000 });
    expect(h.requests).toContain('GET /api/tasks?status=active');
    expect(h.requests).toContain(`GET /api/tasks/${watchedTask.id}`);
    const polled = h.ops.filter((op) => op.kind === 'tasks').flatMap((op) => op.tasks);
    expect(polled.map((t) => [t.id, t.status])).toEqual([
      [running.id, 'running'],
      [watchedTask.id, 'completed'],
    ]);

    // The stream comes back (the retry after the 2 s backoff answers now): polling stops.
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.latest().connect();
    expect(h.state()?.status).toBe('live');
    const polls = h.requests.filter((r) => r === 'GET /api/tasks?status=active').length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.requests.filter((r) => r === 'GET /api/tasks?status=active')).toHaveLength(polls);
  });

  it('falls back to polling when the stream sends no first byte in 10 s', async () => {
    const h = await started();
    const es = FakeEventSource.latest(); // never answers
    await vi.advanceTimersByTimeAsync(9000);
    expect(es.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(es.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    await settle();
    expect(h.state()?.status).toBe('polling');
    expect(h.requests).toContain('GET /api/tasks?status=active');
  });

  it('resets the backoff only after a healthy period with valid frames', async () => {
    const h = await started({ healthyAfterMs: 10_000 });
    for (let i = 0; i < 3; i++) {
      FakeEventSource.latest().fail(false);
      await settle();
      await untilRetry(h);
    }
    expect(h.client.failures).toBe(3);
    FakeEventSource.latest().connect(1000);
    await vi.advanceTimersByTimeAsync(500);
    expect(h.client.failures).toBe(3); // open, but not yet healthy
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(900);
      FakeEventSource.latest().send('heartbeat', { serverTime: new Date().toISOString() });
    }
    expect(h.client.failures).toBe(0);
  });

  it('signs out on auth-expired and keeps the last id to resume from after sign-in', async () => {
    const h = await started();
    const es = FakeEventSource.latest();
    es.connect();
    es.send('progress', taskEvent(makeTask()), '100.42');
    es.send('auth-expired', {});
    expect(h.signedOut).toEqual(['expired']);
    expect(es.closed).toBe(true);
    h.client.start({ resumeFrom: h.client.resumeId });
    expect(FakeEventSource.latest().url).toBe('/api/events?lastEventId=100.42');
  });

  it('opens exactly one stream however often start is called', async () => {
    const h = await started();
    h.client.start();
    h.client.start();
    await settle();
    expect(FakeEventSource.instances).toHaveLength(1);
  });
});
