/** The mock Reddit routes and sign-up answer as the server does, from the same protocol rules. */
import { describe, expect, it } from 'vitest';
import {
  errorBodySchema,
  getTaskType,
  leadMetricsSchema,
  leadsPageSchema,
  signupResponseSchema,
  sortLeads,
} from '../protocol';
import { mockBackend } from './node';
import { api } from './stream-recorder';
import { setUpMockServer } from './test-server';

const mocks = setUpMockServer();

const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
const codeOf = async (res: Response) => ({
  status: res.status,
  code: errorBodySchema.parse(await res.json()).error.code,
});
const registryTotal = getTaskType('reddit_leads').steps.reduce(
  (n, s) => n + Number(s.data?.leadsFound ?? 0),
  0,
);

describe('mock Reddit routes', () => {
  it('signs up, runs the signup search and serves its leads page by page', async () => {
    mockBackend.reset({ user: null, timeScale: 100 });
    const res = await post('/api/auth/signup', { username: 'newbie', password: 'lead-hunter-7' });
    expect(res.status).toBe(201);
    const { task } = signupResponseSchema.parse(await res.json());
    expect(task).toMatchObject({ type: 'reddit_leads', trigger: 'signup', ownerId: 'newbie' });

    const r = mocks.record('/api/events');
    await r.until(() => r.tasks[task.id]?.status === 'completed', 5000, 'completed');
    const rowsInEvents = r
      .taskEvents()
      .filter((e) => e.type === 'progress')
      .reduce((n, e) => n + (Array.isArray(e.data.task.data?.rows) ? e.data.task.data.rows.length : 0), 0);
    expect(rowsInEvents).toBe(registryTotal);

    const first = leadsPageSchema.parse(await (await api('/api/reddit/leads?sort=score&limit=30')).json());
    expect(first.leads).toHaveLength(30);
    expect(first.leads).toEqual(sortLeads(first.leads, 'score'));
    const cursor = encodeURIComponent(first.nextCursor ?? '');
    const second = leadsPageSchema.parse(
      await (await api(`/api/reddit/leads?sort=score&cursor=${cursor}`)).json(),
    );
    expect(second.leads).toHaveLength(registryTotal - 30);
    expect(second.nextCursor).toBeNull();
    const metrics = leadMetricsSchema.parse(await (await api('/api/reddit/metrics')).json());
    expect(metrics).toMatchObject({ totalLeads: registryTotal, searchesRun: 10 });

    expect(await codeOf(await api(`/api/reddit/leads?cursor=${cursor}`))).toEqual({
      status: 400,
      code: 'invalid-cursor',
    });
    expect(await codeOf(await api('/api/reddit/leads?sort=newest&sort=score'))).toEqual({
      status: 400,
      code: 'invalid-query',
    });

    await post('/api/auth/logout', {});
    expect((await post('/api/auth/login', { username: 'newbie', password: 'lead-hunter-7' })).status).toBe(
      200,
    );
    await post('/api/auth/login', { username: 'bob', password: 'demo' });
    const bobs = leadsPageSchema.parse(await (await api('/api/reddit/leads')).json());
    expect(bobs.leads).toEqual([]);
  });

  it('answers 409 for a taken name and 400 for a weak password', async () => {
    mockBackend.reset({ user: null });
    expect(
      await codeOf(await post('/api/auth/signup', { username: 'alice', password: 'lead-hunter-7' })),
    ).toEqual({
      status: 409,
      code: 'username-taken',
    });
    expect(await codeOf(await post('/api/auth/signup', { username: 'carol', password: 'short' }))).toEqual({
      status: 400,
      code: 'weak-password',
    });
  });
});
