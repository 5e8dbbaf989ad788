import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  getTaskType,
  listTasksResponseSchema,
  type Task,
  taskResponseSchema,
  taskTypeNames,
} from '../../protocol';
import { AppError } from '../errors';
import {
  backendsWithCluster,
  startTestServer,
  TEST_WORKER_TOKEN,
  type TestServer,
  uniqueUser,
} from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

const unknownId = 't_unknownunknown00';
const forbiddenTexts = {
  CR: 'a\rb',
  LF: 'a\nb',
  CRLF: 'a\r\nb',
  NUL: 'a\u0000b',
  'U+2028': 'a\u2028b',
};

describe.each(backendsWithCluster)('task routes (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const worker = (path: string, body: unknown) =>
    server.api(path, { body, headers: { authorization: `Bearer ${TEST_WORKER_TOKEN}` } });
  const cursorOf = async (user: string): Promise<string> =>
    (await server.api('/api/tasks', { as: user })).json.cursor;
  /** A running task driven by no worker, so that only the test changes it. */
  const quietTask = (ownerId: string, type: Task['type'] = 'po_processing') =>
    server.services.tracker.create({ ownerId, type });

  describe('POST /api/tasks', () => {
    it('answers 202 with a running task of every registered type', async () => {
      const user = uniqueUser();
      for (const type of taskTypeNames) {
        const res = await server.api('/api/tasks', { as: user, body: { type } });
        expect(res.status).toBe(202);
        const { task } = taskResponseSchema.parse(res.json);
        expect(task).toMatchObject({ type, ownerId: user, status: 'running', version: 1, trigger: 'manual' });
        expect(task.progress.total).toBe(getTaskType(type).total);
        await server.api(`/api/tasks/${task.id}/cancel`, { method: 'POST', as: user });
      }
    });

    it('keeps the trigger when one is given', async () => {
      const user = uniqueUser();
      const res = await server.api('/api/tasks', { as: user, body: { type: 'seo_init', trigger: 'signup' } });
      expect(res.json.task.trigger).toBe('signup');
      await server.api(`/api/tasks/${res.json.task.id}/cancel`, { method: 'POST', as: user });
    });

    it('answers 400 unknown-task-type and creates nothing when the type is not registered', async () => {
      const user = uniqueUser();
      const before = await cursorOf(user);
      const res = await server.api('/api/tasks', { as: user, body: { type: 'mine_bitcoin' } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { code: 'unknown-task-type', message: expect.any(String) } });
      expect(await cursorOf(user)).toBe(before);
    });

    it('answers 400 unknown-stage when failAt names a stage the type does not have', async () => {
      const user = uniqueUser();
      const before = await cursorOf(user);
      const res = await server.api('/api/tasks', {
        as: user,
        body: { type: 'po_processing', params: { failAt: 'shopify_checkout' } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('unknown-stage');
      expect(await cursorOf(user)).toBe(before);
    });

    it('ends failed with the registry failMessage when failAt is database_save', async () => {
      const user = uniqueUser();
      const res = await server.api('/api/tasks', {
        as: user,
        body: { type: 'po_processing', params: { failAt: 'database_save' } },
      });
      expect(res.status).toBe(202);
      const stream = await SseClient.open(`${server.url}/api/tasks/${res.json.task.id}/events`, {
        token: await server.tokenFor(user),
      });
      const failed = await stream.next('failed');
      stream.close();
      const expected = getTaskType('po_processing').steps.find(
        (s) => s.stage === 'database_save',
      )?.failMessage;
      expect(expected).toEqual(expect.any(String));
      expect(failed.json.task.status).toBe('failed');
      expect(failed.json.task.error).toBe(expected);
      expect(failed.json.task.stage).toBe('ai_parsing');
      const stored = await server.api(`/api/tasks/${res.json.task.id}`, { as: user });
      expect(stored.json.task.error).toBe(expected);
    });

    it('answers 413 and creates nothing when the body is over 16 KiB', async () => {
      const user = uniqueUser();
      const before = await cursorOf(user);
      const res = await server.api('/api/tasks', {
        as: user,
        body: { type: 'seo_init', params: { note: 'x'.repeat(17 * 1024) } },
      });
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('body-too-large');
      expect(await cursorOf(user)).toBe(before);
    });

    it('answers 415 and creates nothing when the body is text/plain', async () => {
      const user = uniqueUser();
      const before = await cursorOf(user);
      const res = await server.api('/api/tasks', {
        as: user,
        body: JSON.stringify({ type: 'seo_init' }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(415);
      expect(res.json.error.code).toBe('unsupported-media-type');
      expect(await cursorOf(user)).toBe(before);
    });

    it('answers 400 malformed-json when the body is not JSON', async () => {
      const user = uniqueUser();
      const res = await server.api('/api/tasks', { as: user, body: '{"type": "seo_init"' });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('malformed-json');
      expect(res.text).not.toMatch(/at \w+ \(|node_modules/);
    });

    it.each(Object.entries(forbiddenTexts))(
      'answers 400 and creates nothing when a param holds %s',
      async (_, text) => {
        const user = uniqueUser();
        const before = await cursorOf(user);
        const res = await server.api('/api/tasks', {
          as: user,
          body: { type: 'seo_init', params: { site: text } },
        });
        expect(res.status).toBe(400);
        expect(await cursorOf(user)).toBe(before);
      },
    );

    it('answers 401 when no one is signed in', async () => {
      const res = await server.api('/api/tasks', { body: { type: 'seo_init' } });
      expect(res.status).toBe(401);
    });
  });

  describe('GET /api/tasks', () => {
    it('filters by status and type and returns the latest event id as cursor', async () => {
      const user = uniqueUser();
      const tracker = server.services.tracker;
      const a1 = await quietTask(user, 'reddit_leads');
      const a2 = await quietTask(user, 'po_processing');
      const f1 = await quietTask(user, 'reddit_leads');
      await tracker.complete(f1.id, { itemsFound: 3 });

      const ids = async (query: string) => {
        const res = await server.api(`/api/tasks${query}`, { as: user });
        expect(res.status).toBe(200);
        const body = listTasksResponseSchema.parse(res.json);
        expect(body.cursor).toMatch(/^\d+\.\d+$/);
        return body.tasks.map((t) => t.id).sort();
      };
      expect(await ids('?status=active')).toEqual([a1.id, a2.id].sort());
      expect(await ids('?status=finished')).toEqual([f1.id]);
      expect(await ids('?status=all')).toEqual([a1.id, a2.id, f1.id].sort());
      expect(await ids('')).toEqual([a1.id, a2.id, f1.id].sort());
      expect(await ids('?type=reddit_leads')).toEqual([a1.id, f1.id].sort());
      expect(await ids('?status=active&type=po_processing')).toEqual([a2.id]);
      expect(await ids('?status=finished&type=po_processing')).toEqual([]);
      expect((await cursorOf(user)).split('.')[1]).toBe('4');
    });

    it('returns an empty list and a cursor when the user has no tasks', async () => {
      const res = await server.api('/api/tasks', { as: uniqueUser() });
      expect(res.status).toBe(200);
      expect(res.json.tasks).toEqual([]);
      expect(res.json.cursor).toMatch(/^\d+\.0$/);
    });

    it('answers 400 when status or type is not one of the known values', async () => {
      const user = uniqueUser();
      for (const query of ['?status=running', '?type=nope', '?status=active&status=all']) {
        const res = await server.api(`/api/tasks${query}`, { as: user });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('invalid-query');
      }
    });

    it('lets a stream opened at the cursor miss nothing written after the read', async () => {
      const user = uniqueUser();
      await quietTask(user);
      const { cursor } = (await server.api('/api/tasks', { as: user })).json;
      const later = await quietTask(user);
      const stream = await SseClient.open(`${server.url}/api/events?lastEventId=${cursor}`, {
        token: await server.tokenFor(user),
      });
      await stream.next('started');
      stream.close();
      expect(stream.named('snapshot', 'reset')).toEqual([]);
      expect(stream.taskEvents.map((e) => e.json.task.id)).toEqual([later.id]);
    });
  });

  describe('GET /api/tasks/:id', () => {
    it('returns the task when the user owns it', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      const res = await server.api(`/api/tasks/${task.id}`, { as: user });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ task });
    });

    it.each([
      ['bad id!', encodeURIComponent('bad id!')],
      ['500 characters', 'a'.repeat(500)],
      ['too short', 'abc'],
    ])('answers 400 malformed-id when the id is %s', async (_, id) => {
      const user = uniqueUser();
      for (const [method, path] of [
        ['GET', `/api/tasks/${id}`],
        ['POST', `/api/tasks/${id}/cancel`],
        ['GET', `/api/tasks/${id}/events`],
      ] as const) {
        const res = await server.api(path, { as: user, method });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('malformed-id');
      }
      const head = await server.api(`/api/tasks/${id}`, { as: user, method: 'HEAD' });
      expect(head.status).toBe(400);
    });

    it('answers exactly as for an unknown id when the task belongs to another user', async () => {
      const alice = uniqueUser('alice');
      const bob = uniqueUser('bob');
      const bobs = await quietTask(bob);
      for (const [method, suffix] of [
        ['GET', ''],
        ['HEAD', ''],
        ['POST', '/cancel'],
        ['GET', '/events'],
      ] as const) {
        const foreign = await server.api(`/api/tasks/${bobs.id}${suffix}`, { as: alice, method });
        const unknown = await server.api(`/api/tasks/${unknownId}${suffix}`, { as: alice, method });
        expect(foreign.status).toBe(404);
        expect(foreign.status).toBe(unknown.status);
        expect(foreign.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
        expect(foreign.headers.get('content-length')).toBe(unknown.headers.get('content-length'));
        expect(foreign.headers.get('etag')).toBe(unknown.headers.get('etag'));
        expect(foreign.text).toBe(unknown.text);
        expect(foreign.text).not.toContain(bobs.id);
      }
      expect((await server.services.tracker.get(bobs.id))?.version).toBe(1);
    });
  });

  describe('HEAD /api/tasks/:id', () => {
    it('answers status and percent in headers with no body', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      await server.services.tracker.update(task.id, { progress: { current: 42 } });
      const res = await server.api(`/api/tasks/${task.id}`, { as: user, method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-task-status')).toBe('running');
      expect(res.headers.get('x-task-progress')).toBe('42');
      expect(res.text).toBe('');
    });
  });

  describe('POST /api/tasks/:id/cancel', () => {
    it('answers 202, streams cancelled and stops the worker at its next step', async () => {
      const user = uniqueUser();
      const tracker = server.services.tracker;
      let taskId = '';
      const original = tracker.update.bind(tracker);
      let workerStopped!: (err: AppError) => void;
      const stopped = new Promise<AppError>((resolve) => {
        workerStopped = resolve;
      });
      const spy = vi.spyOn(tracker, 'update').mockImplementation(async (id, patch) => {
        try {
          return await original(id, patch);
        } catch (err) {
          if (id === taskId && err instanceof AppError) workerStopped(err);
          throw err;
        }
      });
      try {
        const stream = await SseClient.open(`${server.url}/api/events`, {
          token: await server.tokenFor(user),
        });
        await stream.next('snapshot');
        const created = await server.api('/api/tasks', { as: user, body: { type: 'reddit_leads' } });
        taskId = created.json.task.id;
        await stream.next('progress');
        const res = await server.api(`/api/tasks/${taskId}/cancel`, { method: 'POST', as: user });
        expect(res.status).toBe(202);
        expect(res.json.task.status).toBe('cancelled');
        const cancelled = await stream.next('cancelled');
        expect(cancelled.json.task.id).toBe(taskId);

        const err = await stopped;
        expect(err.code).toBe('task-finished');
        const log = await server.services.store.readLogAfter(user, 0);
        const mine = log.events.filter((e) => e.task.id === taskId);
        expect(mine.at(-1)?.type).toBe('cancelled');
        expect(mine.filter((e) => e.type === 'cancelled')).toHaveLength(1);
        stream.close();
        const afterCancel = stream.taskEvents.slice(stream.taskEvents.indexOf(cancelled) + 1);
        expect(afterCancel).toEqual([]);
        const stored = await server.api(`/api/tasks/${taskId}`, { as: user });
        expect(stored.json.task.status).toBe('cancelled');
        expect(stored.json.task.version).toBe(cancelled.json.task.version);
      } finally {
        spy.mockRestore();
      }
    });

    it('answers 409 task-finished when the task is cancelled twice', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      const first = await server.api(`/api/tasks/${task.id}/cancel`, { method: 'POST', as: user });
      expect(first.status).toBe(202);
      const second = await server.api(`/api/tasks/${task.id}/cancel`, { method: 'POST', as: user });
      expect(second.status).toBe(409);
      expect(second.json.error.code).toBe('task-finished');
      expect((await server.services.tracker.get(task.id))?.version).toBe(2);
    });
  });

  describe('POST /api/tasks/:id/progress with forbidden text', () => {
    const cases: Array<[string, Record<string, unknown>]> = [];
    for (const [name, text] of Object.entries(forbiddenTexts)) {
      cases.push([`message with ${name}`, { message: text }]);
      cases.push([`stage with ${name}`, { stage: `ai${text}parsing` }]);
      cases.push([`a data value with ${name}`, { data: { query: text } }]);
      cases.push([`a data key with ${name}`, { data: { [text]: 1 } }]);
      cases.push([`a data row with ${name}`, { data: { rows: [{ title: text }] } }]);
      cases.push([`an error with ${name}`, { status: 'failed', error: text }]);
      cases.push([`a result with ${name}`, { status: 'completed', result: { url: text } }]);
    }

    it.each(cases)('answers 400 and leaves the task unchanged when the update has %s', async (_, body) => {
      const user = uniqueUser();
      const task = await quietTask(user);
      const before = await cursorOf(user);
      const res = await worker(`/api/tasks/${task.id}/progress`, body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid-progress');
      const after = await server.api(`/api/tasks/${task.id}`, { as: user });
      expect(after.json.task).toEqual(task);
      expect(await cursorOf(user)).toBe(before);
    });
  });

  describe('isolation', () => {
    it('never shows one user’s task to another through GET, list, streams or replay', async () => {
      const alice = uniqueUser('alice');
      const bob = uniqueUser('bob');
      const tracker = server.services.tracker;
      const alices = await quietTask(alice);
      await tracker.update(alices.id, { progress: { current: 5 } });
      const aliceCursor = await cursorOf(alice);
      const [epoch] = aliceCursor.split('.');

      expect((await server.api(`/api/tasks/${alices.id}`, { as: bob })).status).toBe(404);
      expect((await server.api(`/api/tasks/${alices.id}/events`, { as: bob })).status).toBe(404);
      const list = await server.api('/api/tasks?status=all', { as: bob });
      expect(list.json.tasks).toEqual([]);

      const bobToken = await server.tokenFor(bob);
      const live = await SseClient.open(`${server.url}/api/events`, { token: bobToken });
      const replayFromAlice = await SseClient.open(`${server.url}/api/events`, {
        token: bobToken,
        lastEventId: aliceCursor,
      });
      const replayFromZero = await SseClient.open(`${server.url}/api/events`, {
        token: bobToken,
        lastEventId: `${epoch}.0`,
      });
      const streams = [live, replayFromAlice, replayFromZero];
      await live.next('snapshot');
      await replayFromAlice.next('connected');
      await replayFromZero.next('connected');

      // Alice's task moves while bob's streams are open; then bob's own task starts.
      await tracker.update(alices.id, { progress: { current: 6 } });
      await tracker.complete(alices.id);
      const bobs = await quietTask(bob);
      for (const stream of streams) await stream.next('started');
      for (const stream of streams) stream.close();

      for (const stream of streams) {
        expect(stream.taskEvents.map((e) => e.json.task.id)).toEqual([bobs.id]);
        for (const e of stream.events) expect(e.data).not.toContain(alices.id);
      }
    });
  });
});
