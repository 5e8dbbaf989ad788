/**
 * Every scenario, run through the contract: MSW in Node, a real EventSource on /api/events, every
 * event validated by the protocol's `parseStreamEvent` and folded with `applyEvent`, then the
 * outcome a person would see asserted. Time is accelerated with `timeScale` (burst runs in real time).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  errorBodySchema,
  healthResponseSchema,
  isTerminal,
  listTasksResponseSchema,
  runKindOf,
  stagesOf,
  type Task,
  type TaskType,
  taskResponseSchema,
  taskTypeNames,
  taskTypes,
  typicalDurationMs,
  userResponseSchema,
} from '../protocol';
import { mockBackend, runScenario, server } from './node';
import {
  pickScenario,
  type ScenarioName,
  scenarioDescriptions,
  scenarioFromUrl,
  scenarioNames,
  scenarios,
} from './scenarios';
import { api, StreamRecorder, versionsByTask } from './stream-recorder';

const recorders: StreamRecorder[] = [];
const streamRequests: { path: string; lastEventId: string | null; query: string | null }[] = [];

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  server.events.on('request:start', ({ request }) => {
    if (request.headers.get('accept') !== 'text/event-stream') return;
    const url = new URL(request.url);
    streamRequests.push({
      path: url.pathname,
      lastEventId: request.headers.get('last-event-id'),
      query: url.searchParams.get('lastEventId'),
    });
  });
});

afterEach(() => {
  for (const r of recorders) r.close();
  // Every message any scenario sent was accepted by the protocol's schemas.
  for (const r of recorders) expect(r.invalid).toEqual([]);
  recorders.length = 0;
  streamRequests.length = 0;
  mockBackend.stop();
  server.resetHandlers();
});

afterAll(() => server.close());

function record(path: string, options: ConstructorParameters<typeof StreamRecorder>[1] = {}): StreamRecorder {
  const r = new StreamRecorder(path, options);
  recorders.push(r);
  return r;
}

/** The SPA's start: read the list, then open the stream at its cursor, so nothing is missed between. */
async function openFromList(): Promise<{ recorder: StreamRecorder; initial: Map<string, number> }> {
  const list = listTasksResponseSchema.parse(await (await api('/api/tasks')).json());
  const recorder = record('/api/events', { initial: list.tasks, lastEventId: list.cursor });
  await recorder.until(() => recorder.names().includes('connected'), 5000, 'connected');
  return { recorder, initial: new Map(list.tasks.map((t) => [t.id, t.version])) };
}

async function startTask(type: TaskType, params?: Record<string, string>): Promise<Task> {
  const res = await api('/api/tasks', {
    method: 'POST',
    body: JSON.stringify({ type, ...(params && { params }) }),
  });
  expect(res.status).toBe(202);
  return taskResponseSchema.parse(await res.json()).task;
}

async function listActive(): Promise<Task[]> {
  return listTasksResponseSchema.parse(await (await api('/api/tasks?status=active')).json()).tasks;
}

/** Each task's versions arrived once each, consecutively from what the client started with. */
function expectEveryVersionOnce(r: StreamRecorder, initial = new Map<string, number>()): void {
  for (const [id, versions] of versionsByTask(r)) {
    const from = initial.get(id) ?? 0;
    expect(versions, `versions of ${id}`).toEqual(versions.map((_, i) => from + 1 + i));
    expect(r.tasks[id]?.version).toBe(versions.at(-1));
  }
}

const allFinished = (r: StreamRecorder, atLeast: number) => () => {
  const tasks = Object.values(r.tasks);
  return tasks.length >= atLeast && tasks.every((t) => isTerminal(t.status));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stage the `failure` scenario fails a type in: `database_save`, or the type's middle stage. */
function failureStageOf(type: TaskType): string {
  const stages = stagesOf(type);
  return stages.includes('database_save') ? 'database_save' : stages[Math.floor(stages.length / 2)]!;
}

/** One observable-outcome check per scenario; the Record makes a missing one a compile error. */
const checks: Record<ScenarioName, { outcome: string; run: () => Promise<void> }> = {
  happy: {
    outcome: 'every registry type completes with its result and message',
    async run() {
      runScenario('happy', { timeScale: 20 });
      const { recorder, initial } = await openFromList();
      const started = await Promise.all(taskTypeNames.map((type) => startTask(type)));
      await recorder.until(allFinished(recorder, started.length + 3), 10_000, 'all tasks finished');
      for (const task of started) {
        const def = taskTypes[task.type];
        // Runs make their steps per suite or job (protocol/runs.test.ts); they still complete.
        if (runKindOf(task)) {
          expect(recorder.tasks[task.id]).toMatchObject({ status: 'completed', progress: { percent: 100 } });
          continue;
        }
        expect(recorder.tasks[task.id]).toMatchObject({
          status: 'completed',
          result: def.result,
          message: def.completedMessage,
          progress: { current: def.total, total: def.total, percent: 100 },
        });
        const messages = recorder
          .taskEvents()
          .filter((e) => e.type === 'progress' && e.data.task.id === task.id)
          .map((e) => e.data.task.message);
        expect(messages).toEqual(def.steps.map((s) => s.message));
      }
      const auto = Object.values(recorder.tasks).filter((t) => !started.some((s) => s.id === t.id));
      expect(auto.map((t) => t.type).sort()).toEqual([
        'po_processing',
        'rebuild_communities',
        'reddit_leads',
      ]);
      expect(auto.every((t) => t.status === 'completed')).toBe(true);
      expectEveryVersionOnce(recorder, initial);
      expect(recorder.names()).not.toContain('snapshot');
    },
  },

  failure: {
    outcome: 'every task fails in the named stage with that step’s failMessage',
    async run() {
      runScenario('failure', { timeScale: 20 });
      const { recorder } = await openFromList();
      const started = await Promise.all(taskTypeNames.map((type) => startTask(type)));
      await recorder.until(allFinished(recorder, started.length + 2), 10_000, 'all tasks finished');
      for (const task of Object.values(recorder.tasks)) {
        const stage = failureStageOf(task.type);
        const step = taskTypes[task.type].steps.find((s) => s.stage === stage)!;
        expect(task).toMatchObject({ status: 'failed', error: step.failMessage });
        const events = recorder.taskEvents().filter((e) => e.data.task.id === task.id);
        expect(events.at(-1)?.type).toBe('failed');
        // A run fails during the stage it names (its steps say where it stopped; protocol/runs.test.ts).
        if (!runKindOf(task)) expect(events.some((e) => e.data.task.stage === stage)).toBe(false);
      }
      const po = Object.values(recorder.tasks).find((t) => t.type === 'po_processing')!;
      expect(po.error).toBe('Database connection timeout while saving the purchase order.');
    },
  },

  slow: {
    outcome: 'steps take four times their registry duration and REST answers wait',
    async run() {
      const timeScale = 50;
      runScenario('slow', { timeScale });
      const before = performance.now();
      await api('/api/auth/me');
      expect(performance.now() - before).toBeGreaterThanOrEqual(1500 / timeScale - 2);
      const { recorder } = await openFromList();
      await recorder.until(allFinished(recorder, 1), 10_000, 'the PO finished');
      const po = Object.values(recorder.tasks)[0]!;
      expect(po).toMatchObject({ type: 'po_processing', status: 'completed' });
      const tookMs = Date.parse(po.finishedAt!) - Date.parse(po.startedAt!);
      expect(tookMs).toBeGreaterThanOrEqual((typicalDurationMs('po_processing') * 4) / timeScale - 5);
      const eta = recorder.taskEvents().find((e) => e.type === 'progress')?.data.task.etaMs;
      expect(eta).toBeGreaterThan(0);
    },
  },

  'flaky-network': {
    outcome: 'the stream drops, the client resumes with Last-Event-ID and gets every version exactly once',
    async run() {
      runScenario('flaky-network', { timeScale: 20 });
      const { recorder, initial } = await openFromList();
      await startTask('seo_init');
      await recorder.until(allFinished(recorder, 3), 15_000, 'all tasks finished');
      expect(recorder.connection).toBeGreaterThanOrEqual(4);
      const resumes = streamRequests.filter((r) => r.path === '/api/events' && r.lastEventId !== null);
      expect(resumes.length).toBe(recorder.connection - 1);
      for (let c = 1; c < recorder.connection; c++) {
        // Each reconnect named the last id the previous connection delivered.
        const lastOfConnection = recorder.taskEvents(c).at(-1)?.id;
        expect(resumes[c - 1]?.lastEventId).toBe(lastOfConnection);
      }
      expect(recorder.names()).not.toContain('snapshot');
      expect(recorder.names()).not.toContain('reset');
      expectEveryVersionOnce(recorder, initial);
      expect(Object.values(recorder.tasks).every((t) => t.status === 'completed')).toBe(true);
    },
  },

  stall: {
    outcome: 'heartbeats stop after t; a watchdog at 2× the interval reconnects and catches up',
    async run() {
      const timeScale = 10;
      runScenario('stall', { timeScale });
      const { recorder, initial } = await openFromList();
      const connected = recorder.received.find((r) => r.event.type === 'connected')!;
      const heartbeatMs = connected.event.type === 'connected' ? connected.event.data.heartbeatMs : 0;
      expect(heartbeatMs).toBe(3000 / timeScale);
      const stallAt = connected.at + 4000 / timeScale;
      // The SPA's watchdog: nothing for 2× heartbeatMs → reconnect from the last id.
      let watchdogFiredAt = 0;
      while (!watchdogFiredAt) {
        await sleep(10);
        if (performance.now() - recorder.lastFrameAt > 2 * heartbeatMs) {
          watchdogFiredAt = performance.now();
          recorder.reconnect();
        }
      }
      const first = recorder.received.filter((r) => r.connection === 1);
      expect(first.some((r) => r.event.type === 'heartbeat')).toBe(true);
      // Nothing at all after the stall, and silence for the watchdog's whole 2× interval.
      expect(first.every((r) => r.at <= stallAt + 5)).toBe(true);
      expect(watchdogFiredAt - first.at(-1)!.at).toBeGreaterThanOrEqual(2 * heartbeatMs - 5);
      expect(watchdogFiredAt).toBeGreaterThan(stallAt);
      await recorder.until(allFinished(recorder, 1), 10_000, 'the task finished');
      await recorder.until(
        () => recorder.names(2).includes('heartbeat'),
        5000,
        'a heartbeat on the new stream',
      );
      expect(streamRequests.at(-1)?.query).toBe(recorder.taskEvents(1).at(-1)?.id);
      expectEveryVersionOnce(recorder, initial);
    },
  },

  'server-down': {
    outcome: 'EventSource fails with 503 for good while GET /api/tasks?status=active shows progress',
    async run() {
      runScenario('server-down', { timeScale: 20 });
      const recorder = record('/api/events');
      await recorder.until(() => recorder.errors.length > 0, 5000, 'a stream error');
      expect(recorder.errors[0]).toMatchObject({ code: 503, readyState: 2 });
      expect(recorder.received).toEqual([]);
      const seen: number[] = [];
      let taskId = '';
      for (let i = 0; i < 400; i++) {
        const po = (await listActive()).find((t) => t.type === 'po_processing');
        if (po) {
          taskId = po.id;
          if (seen.at(-1) !== po.progress.percent) seen.push(po.progress.percent);
        } else if (taskId) break;
        await sleep(10);
      }
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      const done = taskResponseSchema.parse(await (await api(`/api/tasks/${taskId}`)).json()).task;
      expect(done.status).toBe('completed');
      const perTask = await fetch(`http://taskstream.test/api/tasks/${taskId}/events`, {
        headers: { accept: 'text/event-stream' },
      });
      expect(perTask.status).toBe(503);
      const health = await api('/api/health');
      expect(health.status).toBe(503);
      expect(healthResponseSchema.parse(await health.json())).toMatchObject({ status: 'degraded' });
    },
  },

  reset: {
    outcome: 'a reconnect past the replay window gets reset, then a snapshot that matches the server',
    async run() {
      runScenario('reset', { timeScale: 20 });
      const { recorder } = await openFromList();
      await recorder.until(
        () => recorder.connection >= 2 && recorder.names(2).includes('snapshot'),
        10_000,
        'reset',
      );
      expect(recorder.names(1).filter((n) => n !== 'heartbeat')).toEqual(['connected', 'started', 'started']);
      expect(recorder.names(2).slice(0, 3)).toEqual(['connected', 'reset', 'snapshot']);
      const reset = recorder.received.find((r) => r.event.type === 'reset')!.event;
      expect(reset.data).toEqual({ reason: 'missed events are no longer retained' });
      expect(streamRequests[1]?.lastEventId).toBe(recorder.taskEvents(1).at(-1)?.id);
      await recorder.until(allFinished(recorder, 3), 10_000, 'all tasks finished');
      const server = listTasksResponseSchema.parse(await (await api('/api/tasks')).json()).tasks;
      expect(Object.values(recorder.tasks).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [...server].sort((a, b) => a.id.localeCompare(b.id)),
      );
    },
  },

  burst: {
    outcome: 'at least 200 events a second over 20+ tasks, all delivered and completed',
    async run() {
      runScenario('burst');
      const { recorder, initial } = await openFromList();
      await recorder.until(allFinished(recorder, 60), 15_000, 'all 60 tasks finished');
      const events = recorder.received.filter((r) => r.event.id !== undefined);
      const seconds = (events.at(-1)!.at - events[0]!.at) / 1000;
      const rate = events.length / seconds;
      expect(events.length).toBeGreaterThanOrEqual(400);
      expect(rate).toBeGreaterThanOrEqual(200);
      // The busiest second carries at least 200 events.
      let busiest = 0;
      for (let i = 0, j = 0; i < events.length; i++) {
        while (events[i]!.at - events[j]!.at > 1000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      expect(busiest).toBeGreaterThanOrEqual(200);
      expect(Object.keys(recorder.tasks).length).toBe(60);
      expect(Object.values(recorder.tasks).every((t) => t.status === 'completed')).toBe(true);
      expectEveryVersionOnce(recorder, initial);
    },
  },

  'many-tasks': {
    outcome: 'at least 20 tasks run at the same time, then all complete',
    async run() {
      runScenario('many-tasks', { timeScale: 20 });
      const { recorder } = await openFromList();
      let most = 0;
      await recorder.until(
        () => {
          most = Math.max(most, Object.values(recorder.tasks).filter((t) => t.status === 'running').length);
          return most >= 20;
        },
        5000,
        '20 running tasks',
      );
      expect((await listActive()).length).toBeGreaterThanOrEqual(20);
      await recorder.until(allFinished(recorder, 24), 10_000, 'all tasks finished');
      expect(new Set(Object.values(recorder.tasks).map((t) => t.type))).toEqual(new Set(taskTypeNames));
      expect(Object.values(recorder.tasks).every((t) => t.status === 'completed')).toBe(true);
    },
  },

  'auth-expired': {
    outcome: 'auth-expired ends the stream, then 401s; after sign-in the stream resumes from its last id',
    async run() {
      runScenario('auth-expired', { timeScale: 20 });
      const { recorder, initial } = await openFromList();
      await recorder.until(() => recorder.names().includes('auth-expired'), 5000, 'auth-expired');
      await recorder.until(() => recorder.errors.some((e) => e.code === 401), 5000, 'a 401 on reconnect');
      expect(recorder.readyState).toBe(2);
      const task = Object.values(recorder.tasks)[0]!;
      expect(task.status).toBe('running');
      for (const path of ['/api/auth/me', '/api/tasks', `/api/tasks/${task.id}`]) {
        const res = await api(path);
        expect(res.status, path).toBe(401);
        expect(errorBodySchema.parse(await res.json()).error.code).toBe('unauthorized');
      }
      const login = await api('/api/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: 'alice', password: 'demo' }),
      });
      expect(userResponseSchema.parse(await login.json()).user.id).toBe('alice');
      recorder.reconnect();
      await recorder.until(allFinished(recorder, 1), 10_000, 'the task finished');
      const resumed = recorder.names(recorder.connection);
      expect(resumed).not.toContain('snapshot');
      expect(recorder.tasks[task.id]?.status).toBe('completed');
      expectEveryVersionOnce(recorder, initial);
    },
  },

  cancel: {
    outcome: 'the task ends cancelled and no progress follows; a second cancel answers 409',
    async run() {
      const timeScale = 20;
      runScenario('cancel', { timeScale });
      const { recorder } = await openFromList();
      await recorder.until(allFinished(recorder, 1), 5000, 'the rebuild cancelled');
      // Wait past the rebuild's natural end: nothing more may arrive for it.
      await sleep(typicalDurationMs('rebuild_communities') / timeScale + 100);
      const events = recorder.taskEvents();
      expect(events.at(-1)?.type).toBe('cancelled');
      const rebuild = Object.values(recorder.tasks)[0]!;
      expect(rebuild).toMatchObject({
        type: 'rebuild_communities',
        status: 'cancelled',
        message: 'Cancelled',
      });
      expect(rebuild.progress.percent).toBeLessThan(100);

      const po = await startTask('po_processing');
      const res = await api(`/api/tasks/${po.id}/cancel`, { method: 'POST' });
      expect(res.status).toBe(202);
      expect(taskResponseSchema.parse(await res.json()).task.status).toBe('cancelled');
      const again = await api(`/api/tasks/${po.id}/cancel`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(errorBodySchema.parse(await again.json()).error.code).toBe('task-finished');
      await sleep(typicalDurationMs('po_processing') / timeScale + 100);
      const poEvents = recorder.taskEvents().filter((e) => e.data.task.id === po.id);
      expect(poEvents.map((e) => e.type)).toEqual(['started', 'cancelled']);
    },
  },
};

describe('mock scenarios', () => {
  it.each(scenarioNames.map((name) => [name, checks[name].outcome] as const))('%s: %s', async (name) => {
    await checks[name].run();
  });

  it('describes every scenario in one line and picks it from ?scenario=', () => {
    for (const name of scenarioNames) {
      expect(scenarios[name].description).toBe(scenarioDescriptions[name]);
      expect(scenarioDescriptions[name]).not.toMatch(/\n/);
      expect(scenarioFromUrl(`?page=1&scenario=${name}`)).toBe(name);
    }
    expect(scenarioFromUrl('?scenario=nope')).toBeNull();
    expect(scenarioFromUrl('')).toBeNull();
  });

  it('remembers a picked scenario for the tab and defaults to happy only in mocks mode', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    expect(pickScenario({ search: '', mocksMode: false, storage })).toBeNull();
    expect(pickScenario({ search: '', mocksMode: true, storage })).toBe('happy');
    expect(pickScenario({ search: '?scenario=burst', mocksMode: false, storage })).toBe('burst');
    expect(pickScenario({ search: '', mocksMode: false, storage })).toBe('burst');
    expect(pickScenario({ search: '?scenario=off', mocksMode: false, storage })).toBeNull();
    expect(pickScenario({ search: '', mocksMode: false, storage })).toBeNull();
  });
});
