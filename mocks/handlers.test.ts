/** The happy-path handlers against the contract: REST answers, error bodies, and both streams. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  communitiesResponseSchema,
  errorBodySchema,
  healthResponseSchema,
  listTasksResponseSchema,
  sharedMetrics,
  sseTicketResponseSchema,
  type Task,
  taskResponseSchema,
  taskTypes,
  userResponseSchema,
} from '../protocol';
import { mockBackend, server } from './node';
import { api, StreamRecorder } from './stream-recorder';

const recorders: StreamRecorder[] = [];
function record(path: string, options: ConstructorParameters<typeof StreamRecorder>[1] = {}): StreamRecorder {
  const r = new StreamRecorder(path, options);
  recorders.push(r);
  return r;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const r of recorders) r.close();
  for (const r of recorders) expect(r.invalid).toEqual([]);
  recorders.length = 0;
  mockBackend.stop();
  server.resetHandlers();
});
afterAll(() => server.close());

async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  return { status: res.status, code: errorBodySchema.parse(await res.json()).error.code };
}

async function start(type: keyof typeof taskTypes): Promise<Task> {
  const res = await api('/api/tasks', { method: 'POST', body: JSON.stringify({ type }) });
  expect(res.status).toBe(202);
  return taskResponseSchema.parse(await res.json()).task;
}

const post = (path: string, body?: unknown) =>
  api(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('auth routes', () => {
  it('signs in the dev users, refuses wrong passwords and answers 401 after logout', async () => {
    mockBackend.reset({ user: null });
    expect(await errorOf(await api('/api/auth/me'))).toEqual({ status: 401, code: 'unauthorized' });
    expect(await errorOf(await post('/api/auth/login', { username: 'alice', password: 'nope' }))).toEqual({
      status: 401,
      code: 'invalid-credentials',
    });
    expect(await errorOf(await post('/api/auth/login', { username: 'alice' }))).toEqual({
      status: 400,
      code: 'invalid-request',
    });
    const login = await post('/api/auth/login', { username: 'bob', password: 'demo' });
    expect(userResponseSchema.parse(await login.json()).user).toEqual({ id: 'bob', name: 'bob' });
    expect(userResponseSchema.parse(await (await api('/api/auth/me')).json()).user.id).toBe('bob');
    expect((await post('/api/auth/logout')).status).toBe(204);
    expect((await api('/api/auth/me')).status).toBe(401);
  });

  it('refuses a token in the URL', async () => {
    mockBackend.reset();
    expect(await errorOf(await api('/api/tasks?token=abc'))).toEqual({ status: 401, code: 'token-in-url' });
  });

  it('accepts a single-use SSE ticket once', async () => {
    mockBackend.reset();
    const { ticket } = sseTicketResponseSchema.parse(await (await post('/api/auth/sse-ticket')).json());
    await post('/api/auth/logout');
    const first = record(`/api/events?ticket=${ticket}`);
    await first.until(() => first.names().includes('snapshot'), 5000, 'snapshot');
    const second = record(`/api/events?ticket=${ticket}`);
    await second.until(() => second.errors.length > 0, 5000, 'an error');
    expect(second.errors[0]?.code).toBe(401);
  });
});

describe('task routes', () => {
  it('validates bodies, queries and ids like the server', async () => {
    mockBackend.reset();
    expect(await errorOf(await post('/api/tasks', { type: 'nope' }))).toEqual({
      status: 400,
      code: 'unknown-task-type',
    });
    expect(
      await errorOf(await post('/api/tasks', { type: 'po_processing', params: { failAt: 'nowhere' } })),
    ).toEqual({ status: 400, code: 'unknown-stage' });
    const notJson = await api('/api/tasks', {
      method: 'POST',
      body: 'type=po',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await errorOf(notJson)).toEqual({ status: 415, code: 'unsupported-media-type' });
    expect(await errorOf(await api('/api/tasks', { method: 'POST', body: '{' }))).toEqual({
      status: 400,
      code: 'malformed-json',
    });
    expect(await errorOf(await api('/api/tasks?status=soon'))).toEqual({
      status: 400,
      code: 'invalid-query',
    });
    expect(await errorOf(await api('/api/tasks/bad!id'))).toEqual({ status: 400, code: 'malformed-id' });
    expect(await errorOf(await api('/api/tasks/t_unknown_task_1'))).toEqual({
      status: 404,
      code: 'not-found',
    });
    expect(await errorOf(await api('/api/nothing-here'))).toEqual({ status: 404, code: 'not-found' });
  });

  it('lists, filters, reads, HEADs and hides other users’ tasks', async () => {
    mockBackend.reset({ timeScale: 50 });
    const po = await start('po_processing');
    const leads = await start('reddit_leads');
    const all = listTasksResponseSchema.parse(await (await api('/api/tasks')).json());
    expect(new Set(all.tasks.map((t) => t.id))).toEqual(new Set([leads.id, po.id]));
    expect(all.cursor).toMatch(/^\d+\.2$/);
    const byType = listTasksResponseSchema.parse(await (await api('/api/tasks?type=reddit_leads')).json());
    expect(byType.tasks.map((t) => t.id)).toEqual([leads.id]);
    const head = await api(`/api/tasks/${po.id}`, { method: 'HEAD' });
    expect(head.headers.get('X-Task-Status')).toBe('running');
    expect(head.headers.get('X-Task-Progress')).toBe('0');
    expect(taskResponseSchema.parse(await (await api(`/api/tasks/${po.id}`)).json()).task.id).toBe(po.id);
    await post('/api/auth/login', { username: 'bob', password: 'demo' });
    expect(await errorOf(await api(`/api/tasks/${po.id}`))).toEqual({ status: 404, code: 'not-found' });
    expect(listTasksResponseSchema.parse(await (await api('/api/tasks')).json()).tasks).toEqual([]);
  });

  it('counts rebuilt communities and reports health', async () => {
    mockBackend.reset({ timeScale: 100 });
    const before = communitiesResponseSchema.parse(await (await api('/api/communities')).json());
    expect(before).toMatchObject({ generation: 0, rebuiltAt: null });
    expect(before.communities).toHaveLength(8);
    const r = record('/api/events');
    const rebuild = await start('rebuild_communities');
    await r.until(() => r.tasks[rebuild.id]?.status === 'completed', 5000, 'the rebuild');
    const after = communitiesResponseSchema.parse(await (await api('/api/communities')).json());
    expect(after.generation).toBe(1);
    expect(after.communities).toHaveLength(taskTypes.rebuild_communities.result.communities_count);
    const health = healthResponseSchema.parse(await (await api('/api/health')).json());
    expect(health).toMatchObject({ status: 'ok', redis: 'up', connections: { active: 1 } });
  });
});

describe('GET /metrics', () => {
  it('exposes the connection gauges under the server’s names', async () => {
    mockBackend.reset();
    const stream = record('/api/events');
    await stream.until(() => stream.names().includes('snapshot'), 5000, 'snapshot');
    const text = await (await api('/metrics')).text();
    for (const { name } of Object.values(sharedMetrics)) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} gauge$`, 'm'));
      expect(text).toMatch(new RegExp(`^${name} 1$`, 'm'));
    }
  });
});

describe('GET /api/events', () => {
  it('sends connected then snapshot, and reset + snapshot for a malformed or old-epoch id', async () => {
    mockBackend.reset({ timeScale: 100 });
    await start('seo_init');
    const fresh = record('/api/events');
    await fresh.until(() => fresh.names().includes('snapshot'), 5000, 'snapshot');
    expect(fresh.names().slice(0, 2)).toEqual(['connected', 'snapshot']);
    const malformed = record('/api/events?lastEventId=banana');
    await malformed.until(() => malformed.names().includes('snapshot'), 5000, 'snapshot');
    expect(malformed.received[1]?.event.data).toEqual({ reason: 'malformed Last-Event-ID' });
    const oldEpoch = record('/api/events?lastEventId=1.3');
    await oldEpoch.until(() => oldEpoch.names().includes('snapshot'), 5000, 'snapshot');
    expect(oldEpoch.received[1]?.event.data).toEqual({ reason: 'event store was reset' });
  });

  it('answers 429 past the per-user stream limit', async () => {
    mockBackend.reset({ maxStreamsPerUser: 2 });
    const a = record('/api/events');
    const b = record('/api/events');
    await a.until(() => a.connection > 0 && b.connection > 0, 5000, 'two streams');
    const res = await api('/api/events', { headers: { accept: 'text/event-stream' } });
    expect(await errorOf(res)).toEqual({ status: 429, code: 'too-many-streams' });
  });
});

describe('GET /api/tasks/:id/events', () => {
  it('streams one task, ends after its terminal event, and answers 204 on the reconnect', async () => {
    mockBackend.reset({ timeScale: 50 });
    const other = await start('seo_init');
    const task = await start('subreddit_discovery');
    const r = record(`/api/tasks/${task.id}/events`);
    await r.until(() => r.errors.some((e) => e.code === 204), 5000, 'the 204');
    expect(r.readyState).toBe(2);
    const events = r.taskEvents();
    expect(events.every((e) => e.data.task.id === task.id)).toBe(true);
    expect(events.at(-1)?.type).toBe('completed');
    expect(r.tasks[task.id]?.result).toEqual(taskTypes.subreddit_discovery.result);
    expect(r.tasks[other.id]).toBeUndefined();
    expect(r.connection).toBe(1);
  });

  it('sends a finished task’s final event and ends; 404 for another user’s task', async () => {
    mockBackend.reset({ timeScale: 100 });
    const task = await start('partnerships');
    const all = record('/api/events');
    await all.until(() => all.tasks[task.id]?.status === 'completed', 5000, 'completed');
    const late = record(`/api/tasks/${task.id}/events`);
    await late.until(() => late.errors.some((e) => e.code === 204), 5000, 'the 204');
    expect(late.names().filter((n) => n !== 'heartbeat')).toEqual(['connected', 'snapshot', 'completed']);
    await post('/api/auth/login', { username: 'bob', password: 'demo' });
    const res = await api(`/api/tasks/${task.id}/events`, { headers: { accept: 'text/event-stream' } });
    expect(await errorOf(res)).toEqual({ status: 404, code: 'not-found' });
  });
});
