import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PROGRESS_BATCH,
  progressBatchResponseSchema,
  type Task,
  taskResponseSchema,
} from '../../protocol';
import {
  backendsWithCluster,
  startTestServer,
  TEST_WORKER_TOKEN,
  type TestServer,
  uniqueUser,
} from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

const workerAuth = { authorization: `Bearer ${TEST_WORKER_TOKEN}` };

describe('worker routes without WORKER_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('mock', { WORKER_TOKEN: '' });
  });
  afterAll(() => server.close());

  it('answers 404 to POST /api/worker/tasks when no worker token is configured', async () => {
    const res = await server.api('/api/worker/tasks', {
      body: { ownerId: 'alice', type: 'test_run' },
      headers: { authorization: 'Bearer anything-at-all-0123456789' },
    });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not-found');
  });

  it('answers 404 to POST /api/tasks/:id/progress when no worker token is configured', async () => {
    const task = await server.services.tracker.create({ ownerId: uniqueUser(), type: 'test_run' });
    const res = await server.api(`/api/tasks/${task.id}/progress`, {
      body: { progress: { percent: 10 } },
      headers: { authorization: `Bearer ${TEST_WORKER_TOKEN}` },
    });
    expect(res.status).toBe(404);
    expect((await server.services.tracker.get(task.id))?.version).toBe(1);
  });
  it('answers 404 to POST /api/worker/progress when no worker token is configured', async () => {
    const res = await server.api('/api/worker/progress', {
      body: { updates: [{ taskId: 't_anything_0000', progress: { current: 1 } }] },
      headers: workerAuth,
    });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not-found');
  });
});

describe.each(backendsWithCluster)('worker routes (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const createTask = async (ownerId: string, extra: Record<string, unknown> = {}): Promise<Task> => {
    const res = await server.api('/api/worker/tasks', {
      body: { ownerId, type: 'job_run', ...extra },
      headers: workerAuth,
    });
    expect(res.status).toBe(201);
    return taskResponseSchema.parse(res.json).task;
  };
  const progress = (id: string, body: unknown) =>
    server.api(`/api/tasks/${id}/progress`, { body, headers: workerAuth });
  const versionOf = async (id: string) => (await server.services.tracker.get(id))?.version;

  describe('POST /api/worker/tasks', () => {
    it('answers 401 when the worker token is wrong or missing', async () => {
      for (const authorization of [`Bearer ${TEST_WORKER_TOKEN}x`, TEST_WORKER_TOKEN, 'Bearer ', '']) {
        const res = await server.api('/api/worker/tasks', {
          body: { ownerId: 'alice', type: 'job_run' },
          headers: authorization ? { authorization } : {},
        });
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('unauthorized');
      }
    });

    it('answers 401 when a user session token is sent instead of the worker token', async () => {
      const res = await server.api('/api/worker/tasks', {
        as: 'alice',
        body: { ownerId: 'alice', type: 'job_run' },
      });
      expect(res.status).toBe(401);
    });

    it('answers 201 with a pending task of the owner, streamed to that owner as started', async () => {
      const owner = uniqueUser();
      const stream = await SseClient.open(`${server.url}/api/events`, {
        token: await server.tokenFor(owner),
      });
      await stream.next('snapshot');
      const task = await createTask(owner, { total: 40, trigger: 'schedule' });
      expect(task).toMatchObject({
        ownerId: owner,
        type: 'job_run',
        status: 'pending',
        version: 1,
        trigger: 'schedule',
        progress: { current: 0, total: 40, percent: 0 },
      });
      expect(task.startedAt).toBeUndefined();
      const started = await stream.next('started');
      stream.close();
      expect(started.json.task).toEqual(task);
    });

    it('uses trigger api and the registry total when none are given', async () => {
      const task = await createTask(uniqueUser());
      expect(task.trigger).toBe('api');
      expect(task.progress.total).toBeGreaterThan(0);
    });

    it.each([
      ['an unknown type', { ownerId: 'alice', type: 'nope' }],
      ['a malformed owner', { ownerId: 'alice bob', type: 'job_run' }],
      ['a negative total', { ownerId: 'alice', type: 'job_run', total: -1 }],
      ['an unknown field', { ownerId: 'alice', type: 'job_run', priority: 1 }],
      ['no owner', { type: 'job_run' }],
    ])('answers 400 when the body has %s', async (_, body) => {
      const res = await server.api('/api/worker/tasks', { body, headers: workerAuth });
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    });
  });

  describe('POST /api/tasks/:id/progress', () => {
    it('answers 401 and changes nothing when the worker token is wrong', async () => {
      const task = await createTask(uniqueUser());
      const res = await server.api(`/api/tasks/${task.id}/progress`, {
        body: { progress: { percent: 50 } },
        headers: { authorization: 'Bearer not-the-worker-token-000000' },
      });
      expect(res.status).toBe(401);
      expect(await versionOf(task.id)).toBe(1);
    });

    it('applies and streams each kind of update when they are valid', async () => {
      const owner = uniqueUser();
      const task = await createTask(owner, { total: 10 });
      const stream = await SseClient.open(`${server.url}/api/tasks/${task.id}/events`, {
        token: await server.tokenFor(owner),
      });
      await stream.next('snapshot');

      const steps: Array<[unknown, Partial<Task>]> = [
        [
          { progress: { current: 2, total: 10 } },
          { status: 'running', progress: { current: 2, total: 10, percent: 20 } },
        ],
        [{ progress: { percent: 50 } }, { progress: { current: 5, total: 10, percent: 50 } }],
        [{ stage: 'reporting' }, { stage: 'reporting' }],
        [
          { message: 'Running 12 tests: login, checkout…' },
          { message: 'Running 12 tests: login, checkout…' },
        ],
        [
          { data: { passed: 3, failed: 0, rows: [{ name: 'login', ok: true }] } },
          { data: { passed: 3, failed: 0, rows: [{ name: 'login', ok: true }] } },
        ],
        [{ progress: { current: 8 } }, { progress: { current: 8, total: 10, percent: 80 } }],
      ];
      for (const [i, [body, expected]] of steps.entries()) {
        const res = await progress(task.id, body);
        expect(res.status).toBe(200);
        expect(res.json.task).toMatchObject({ ...expected, version: i + 2 });
      }
      await stream.until((evs) => evs.filter((e) => e.event === 'progress').length === steps.length);
      const done = await progress(task.id, {
        status: 'completed',
        result: { reportUrl: 'https://ci.example/r/1' },
      });
      expect(done.status).toBe(200);
      const completed = await stream.next('completed');
      await stream.done;
      expect(stream.named('progress').map((e) => e.json.task.version)).toEqual(steps.map((_, i) => i + 2));
      expect(completed.json.task).toMatchObject({
        status: 'completed',
        progress: { current: 10, total: 10, percent: 100 },
        result: { reportUrl: 'https://ci.example/r/1' },
      });
    });

    it.each([
      ['percent 101', { progress: { percent: 101 } }],
      ['percent -1', { progress: { percent: -1 } }],
      ['percent "NaN"', { progress: { percent: 'NaN' } }],
      ['percent null', { progress: { percent: null } }],
      ['percent 1e999 (Infinity)', '{"progress":{"percent":1e999}}'],
      ['current over the task total', { progress: { current: 11 } }],
      ['current over the given total', { progress: { current: 5, total: 3 } }],
      ['a negative current', { progress: { current: -1 } }],
      ['a zero total', { progress: { current: 0, total: 0 } }],
      ['a status that is not one', { status: 'paused' }],
      ['an unknown field', { progres: { current: 1 } }],
      ['a result without a final status', { result: { itemsFound: 1 } }],
      ['an error without a final status', { error: 'it broke' }],
      ['nothing (an empty update)', {}],
      ['an empty progress', { progress: {} }],
      ['a stage the type does not have', { stage: 'ai_parsing' }],
    ])('answers 400 and leaves the task unchanged when the update has %s', async (_, body) => {
      const owner = uniqueUser();
      const task = await createTask(owner, { total: 10 });
      await progress(task.id, { progress: { current: 1 } });
      const before = await server.services.tracker.get(task.id);
      const res = await progress(task.id, body);
      expect(res.status).toBe(400);
      expect(res.json.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      expect(await server.services.tracker.get(task.id)).toEqual(before);
    });

    it('answers 400 and keeps the data when a second update would take it past the key cap', async () => {
      const task = await createTask(uniqueUser(), { total: 10 });
      const keys = (from: number) =>
        Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${from + i}`, i]));
      expect((await progress(task.id, { data: keys(0) })).status).toBe(200);
      const before = await server.services.tracker.get(task.id);
      const res = await progress(task.id, { data: keys(25) });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid-task');
      expect(await server.services.tracker.get(task.id)).toEqual(before);
    });

    it('answers 409 and leaves the task completed when progress follows completion', async () => {
      const task = await createTask(uniqueUser());
      expect((await progress(task.id, { status: 'completed' })).status).toBe(200);
      const completed = await server.services.tracker.get(task.id);
      for (const body of [
        { progress: { percent: 10 } },
        { status: 'running' },
        { status: 'failed', error: 'late' },
      ]) {
        const res = await progress(task.id, body);
        expect(res.status).toBe(409);
        expect(res.json.error.code).toBe('task-finished');
      }
      expect(await server.services.tracker.get(task.id)).toEqual(completed);
    });

    it('answers 409 when a running task is set back to pending', async () => {
      const task = await createTask(uniqueUser());
      await progress(task.id, { status: 'running' });
      const res = await progress(task.id, { status: 'pending' });
      expect(res.status).toBe(409);
      expect(await versionOf(task.id)).toBe(2);
    });

    it('keeps the error when the worker reports failed', async () => {
      const task = await createTask(uniqueUser());
      const res = await progress(task.id, {
        status: 'failed',
        error: 'Job execution failed. Login flow timed out.',
      });
      expect(res.status).toBe(200);
      expect(res.json.task).toMatchObject({
        status: 'failed',
        error: 'Job execution failed. Login flow timed out.',
      });
    });

    it('answers 404 when the task is unknown and 400 when the id is malformed', async () => {
      expect((await progress('t_unknownunknown00', { progress: { percent: 1 } })).status).toBe(404);
      expect((await progress('bad%20id!', { progress: { percent: 1 } })).status).toBe(400);
    });
  });
});

describe.each(backendsWithCluster)('POST /api/worker/progress (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const newTask = (ownerId = uniqueUser()) =>
    server.services.tracker.create({ ownerId, type: 'job_run', total: 100 });
  const batch = (body: unknown, headers: Record<string, string> = workerAuth) =>
    server.api('/api/worker/progress', { body, headers });
  const versionOf = async (id: string) => (await server.services.tracker.get(id))?.version;

  it('applies every update in request order per task and streams each as its own event', async () => {
    const user = uniqueUser();
    const [a, b] = await Promise.all([newTask(user), newTask(user)]);
    const client = await SseClient.open(`${server.url}/api/events`, { token: await server.tokenFor(user) });
    await client.next('snapshot');
    const res = await batch({
      updates: [
        { taskId: a.id, status: 'running' },
        { taskId: b.id, progress: { current: 10 } },
        { taskId: a.id, progress: { current: 20 }, message: 'Step 2 of 5' },
        { taskId: a.id, progress: { current: 30 } },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = progressBatchResponseSchema.parse(res.json);
    expect(results).toEqual([
      { taskId: a.id, version: 2 },
      { taskId: b.id, version: 2 },
      { taskId: a.id, version: 3 },
      { taskId: a.id, version: 4 },
    ]);
    await client.until((evs) => evs.filter((e) => e.json?.task?.id === a.id).length >= 3);
    client.close();
    const ofA = client.taskEvents
      .filter((e) => e.json.task.id === a.id)
      .map((e) => e.json.task.progress.current);
    expect(ofA).toEqual([0, 20, 30]);
  });

  it('reports an unknown or finished task in its own result and still applies the others', async () => {
    const [live, done] = await Promise.all([newTask(), newTask()]);
    await server.services.tracker.complete(done.id);
    const res = await batch({
      updates: [
        { taskId: 't_unknown_task_0000', progress: { current: 1 } },
        { taskId: done.id, progress: { current: 1 } },
        { taskId: live.id, progress: { current: 5 } },
      ],
    });
    expect(res.status).toBe(200);
    const codes = progressBatchResponseSchema
      .parse(res.json)
      .results.map((r) => ('error' in r ? r.error.code : r.version));
    expect(codes).toEqual(['not-found', 'task-finished', 2]);
  });

  it('refuses the whole batch with a 400 naming the bad update, and applies none of it', async () => {
    const task = await newTask();
    const res = await batch({
      updates: [
        { taskId: task.id, progress: { current: 5 } },
        { taskId: task.id, progress: { percent: 140 } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid-progress');
    expect(res.json.error.message).toContain('updates[1]');
    expect(await versionOf(task.id)).toBe(1);
  });

  it('answers 400 to an empty, oversized or malformed batch and 401 to a wrong token, changing nothing', async () => {
    const task = await newTask();
    const many = Array.from({ length: MAX_PROGRESS_BATCH + 1 }, (_, i) => ({
      taskId: task.id,
      progress: { current: i % 100 },
    }));
    expect((await batch({ updates: [] })).status).toBe(400);
    expect((await batch({ updates: many })).status).toBe(400);
    expect((await batch({ updates: [{ taskId: 'no/slashes', progress: { current: 1 } }] })).status).toBe(400);
    expect((await batch({ updates: [{ taskId: task.id }] })).json.error.code).toBe('invalid-progress');
    expect((await batch('{"updates": [')).json.error.code).toBe('malformed-json');
    const wrong = await batch(
      { updates: [{ taskId: task.id, progress: { current: 1 } }] },
      { authorization: 'Bearer wrong-token-0123456789abcdef0123' },
    );
    expect(wrong.status).toBe(401);
    expect(await versionOf(task.id)).toBe(1);
  });

  it('answers 415 to a body that is not JSON and 413 past the body limit', async () => {
    const task = await newTask();
    const text = await fetch(`${server.url}/api/worker/progress`, {
      method: 'POST',
      headers: { ...workerAuth, 'content-type': 'text/plain' },
      body: JSON.stringify({ updates: [{ taskId: task.id, progress: { current: 1 } }] }),
    });
    expect(text.status).toBe(415);
    const huge = await batch({
      updates: [{ taskId: task.id, message: 'x'.repeat(600 * 1024) }],
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('body-too-large');
    expect(await versionOf(task.id)).toBe(1);
  });
});
