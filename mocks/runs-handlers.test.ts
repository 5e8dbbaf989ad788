/** `GET /api/runs` and run tasks in the mocks: the same answers as the server's run routes. */
import { describe, expect, it } from 'vitest';
import { errorBodySchema, runStatusOf, runsResponseSchema, type Task, taskResponseSchema } from '../protocol';
import { mockBackend } from './node';
import { api } from './stream-recorder';
import { setUpMockServer } from './test-server';

const mocks = setUpMockServer();

async function start(body: unknown): Promise<Task> {
  const res = await api('/api/tasks', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return taskResponseSchema.parse(await res.json()).task;
}
/** Follows the run's own stream until the 204 that ends it and returns its final version. */
async function finish(id: string): Promise<Task> {
  const r = mocks.record(`/api/tasks/${id}/events`);
  await r.until(() => r.errors.some((e) => e.code === 204), 5000, 'the 204');
  return r.tasks[id]!;
}
const runIds = async (query = '') =>
  runsResponseSchema.parse(await (await api(`/api/runs${query}`)).json()).runs.map((t) => t.id);

describe('GET /api/runs (mocks)', () => {
  it('plays a run from its suite and lists runs by kind and status, newest first', async () => {
    mockBackend.reset({ timeScale: 50 });
    const passed = await start({ type: 'test_run', params: { suite: 'smoke' } });
    const passedFinal = await finish(passed.id);
    expect(runStatusOf(passedFinal)).toBe('passed');
    expect(passedFinal.result).toMatchObject({
      name: 'Smoke tests',
      reportUrl: expect.stringContaining(passed.id),
    });

    const failed = await start({ type: 'job_run', params: { job: 'payments', makeItFail: true } });
    const failedFinal = await finish(failed.id);
    expect(runStatusOf(failedFinal)).toBe('failed');
    expect(failedFinal.error).toContain(String(failedFinal.data?.failingTest));

    expect(await runIds()).toEqual([failed.id, passed.id]);
    expect(await runIds('?kind=test')).toEqual([passed.id]);
    expect(await runIds('?status=failed')).toEqual([failed.id]);
  });

  it('answers 400 invalid-query for a bad filter, as the server does', async () => {
    mockBackend.reset();
    for (const query of ['?kind=tests', '?status=done', '?kind=test&kind=job', '?page=2']) {
      const res = await api(`/api/runs${query}`);
      expect(res.status).toBe(400);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('invalid-query');
    }
  });

  it('answers 400 for an unknown job and hides another user’s runs', async () => {
    mockBackend.reset({ timeScale: 50 });
    const bad = await api('/api/tasks', {
      method: 'POST',
      body: JSON.stringify({ type: 'job_run', params: { job: 'weekly' } }),
    });
    expect(bad.status).toBe(400);
    await start({ type: 'test_run' });
    await api('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'bob', password: 'demo' }),
    });
    expect(await runIds()).toEqual([]);
  });
});
