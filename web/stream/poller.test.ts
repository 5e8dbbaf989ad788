import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskOp } from '../../protocol';
import { finish, makeTask } from '../test/factories';
import { server } from '../test/msw-server';
import { Poller, type PollerOptions } from './poller';
import type { RejectedTask } from './task-list';

interface Harness {
  poller: Poller;
  ops: TaskOp[];
  rejected: RejectedTask[];
  unauthorized: number;
  starts: number;
  requests: string[];
}

let harness: Harness | null = null;

function setup(options: Partial<PollerOptions> = {}): Harness {
  const h: Harness = {
    poller: null as unknown as Poller,
    ops: [],
    rejected: [],
    unauthorized: 0,
    starts: 0,
    requests: [],
  };
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    h.requests.push(`${url.pathname}${url.search}`);
  });
  h.poller = new Poller({
    tasksUrl: '/api/tasks',
    intervalMs: 5000,
    fetch: (input, init) => fetch(input, init),
    canStart: () => true,
    onStart: () => h.starts++,
    onOp: (op) => h.ops.push(op),
    onUnauthorized: () => h.unauthorized++,
    onRejectedTasks: (rejected) => h.rejected.push(...rejected),
    ...options,
  });
  harness = h;
  return h;
}

/** Lets pending fetches resolve without moving the clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
}

const activePolls = (h: Harness) => h.requests.filter((r) => r === '/api/tasks?status=active').length;

describe('Poller', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => {
    harness?.poller.stop();
    harness = null;
    server.events.removeAllListeners();
    vi.useRealTimers();
  });

  it('starts after the delay and polls every interval for as long as it runs', async () => {
    const h = setup();
    h.poller.schedule(2500);
    await vi.advanceTimersByTimeAsync(2499);
    expect(activePolls(h)).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(h.starts).toBe(1);
    expect(h.poller.active).toBe(true);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(activePolls(h)).toBe(4);
  });

  it('fetches a watched task that left the active list, so its end shows', async () => {
    const running = makeTask({ percent: 40 });
    const watched = makeTask();
    server.use(
      http.get('/api/tasks', () => HttpResponse.json({ tasks: [running], cursor: '1.1' })),
      http.get('/api/tasks/:id', () => HttpResponse.json({ task: finish(watched, 'completed') })),
    );
    const h = setup({ activeTaskIds: () => [running.id, watched.id] });
    h.poller.schedule(0);
    await settle();
    expect(h.requests).toEqual(['/api/tasks?status=active', `/api/tasks/${watched.id}`]);
    expect(h.ops.map((op) => (op.kind === 'tasks' ? op.tasks.map((t) => t.status) : op.kind))).toEqual([
      ['running'],
      ['completed'],
    ]);
  });

  it('keeps the valid tasks and reports the one the contract rejects', async () => {
    const good = makeTask();
    const bad = { ...makeTask(), progress: { current: 5, total: 1, percent: 500 } };
    server.use(http.get('/api/tasks', () => HttpResponse.json({ tasks: [bad, good], cursor: '1.1' })));
    const h = setup();
    h.poller.schedule(0);
    await settle();
    expect(h.ops).toEqual([{ kind: 'tasks', tasks: [good] }]);
    expect(h.rejected).toEqual([{ id: bad.id, reason: expect.stringContaining('progress') }]);
  });

  it('reports a 401 and feeds nothing when the session ran out', async () => {
    server.use(
      http.get('/api/tasks', () =>
        HttpResponse.json({ error: { code: 'unauthorized', message: 'sign in' } }, { status: 401 }),
      ),
    );
    const h = setup();
    h.poller.schedule(0);
    await settle();
    expect(h.unauthorized).toBe(1);
    expect(h.ops).toEqual([]);
  });

  it('drops an answer that arrives after stop', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.get('/api/tasks', async () => {
        await held;
        return HttpResponse.json({ tasks: [makeTask()], cursor: '1.1' });
      }),
    );
    const h = setup();
    h.poller.schedule(0);
    await settle();
    expect(activePolls(h)).toBe(1);
    h.poller.stop();
    release();
    await settle();
    expect(h.ops).toEqual([]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(activePolls(h)).toBe(1);
  });

  it('stays off when the stream came back before the delay ended', async () => {
    const h = setup({ canStart: () => false });
    h.poller.schedule(100);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.starts).toBe(0);
    expect(h.poller.active).toBe(false);
    expect(activePolls(h)).toBe(0);
  });
});
