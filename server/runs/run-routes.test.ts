import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatusOf, runsResponseSchema, type Task, taskResponseSchema } from '../../protocol';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

describe.each(backendsWithCluster)('runs (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const start = async (user: string, body: unknown): Promise<Task> => {
    const res = await server.api('/api/tasks', { as: user, body });
    expect(res.status).toBe(202);
    return taskResponseSchema.parse(res.json).task;
  };
  const runStream = async (user: string, id: string, lastEventId?: string) =>
    SseClient.open(`${server.url}/api/tasks/${id}/events`, {
      token: await server.tokenFor(user),
      ...(lastEventId ? { lastEventId } : {}),
    });
  /** Follows the run's own stream to its end and returns the final task. */
  const finish = async (user: string, id: string): Promise<{ final: Task; stream: SseClient }> => {
    const stream = await runStream(user, id);
    await stream.done;
    const last = stream.taskEvents.at(-1);
    return { final: taskResponseSchema.parse(last?.json).task, stream };
  };
  const listRuns = async (user: string, query = '') => server.api(`/api/runs${query}`, { as: user });

  it('streams a test run waiting → running → passed, ends the stream, then answers 204', async () => {
    const user = uniqueUser();
    const run = await start(user, { type: 'test_run', params: { suite: 'checkout' } });
    const { final, stream } = await finish(user, run.id);
    // The POST answer is the first version; the stream may open after the short wait for a runner.
    const versions = [run, ...stream.taskEvents.map((e) => taskResponseSchema.parse(e.json).task)];
    const badges = versions.map(runStatusOf);
    expect(badges.filter((s, i) => s !== badges[i - 1])).toEqual(['waiting', 'running', 'passed']);
    expect(stream.taskEvents.at(-1)?.event).toBe('completed');
    expect(final.result).toMatchObject({ status: 'passed', name: 'Checkout flow', failed: 0 });
    expect(final.result?.reportUrl).toBe(`/reports/test-runs/${run.id}/index.html`);

    // EventSource reconnects with the id of the final event it got: the end is final.
    const again = await runStream(user, run.id, stream.lastEventId);
    expect(again.status).toBe(204);
  });

  it('fails a job run with the failing test when makeItFail is set, and sends the final state at once later', async () => {
    const user = uniqueUser();
    const run = await start(user, { type: 'job_run', params: { job: 'release', makeItFail: true } });
    const { final } = await finish(user, run.id);
    expect(final.status).toBe('failed');
    expect(runStatusOf(final)).toBe('failed');
    expect(final.data).toMatchObject({ failed: 1, failingTest: expect.any(String) });
    expect(final.error).toContain(String(final.data?.failingTest));

    const res = await server.api(`/api/tasks/${run.id}`, { as: user });
    expect(taskResponseSchema.parse(res.json).task).toEqual(final);
  });

  it('lists runs newest first and filters them by kind and run status', async () => {
    const user = uniqueUser();
    const passed = await start(user, { type: 'test_run', params: { suite: 'smoke' } });
    await finish(user, passed.id);
    const failed = await start(user, { type: 'job_run', params: { makeItFail: true } });
    await finish(user, failed.id);
    await start(user, { type: 'seo_init' });

    const all = runsResponseSchema.parse((await listRuns(user)).json).runs;
    expect(all.map((t) => t.id)).toEqual([failed.id, passed.id]);
    const ids = async (q: string) =>
      runsResponseSchema.parse((await listRuns(user, q)).json).runs.map((t) => t.id);
    expect(await ids('?kind=test')).toEqual([passed.id]);
    expect(await ids('?status=failed')).toEqual([failed.id]);
    expect(await ids('?kind=test&status=failed')).toEqual([]);
  });

  it.each(['?kind=tests', '?status=completed', '?kind=test&kind=job', '?page=2'])(
    'answers 400 invalid-query for %s',
    async (query) => {
      const res = await listRuns(uniqueUser(), query);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { code: 'invalid-query', message: expect.any(String) } });
    },
  );

  it('answers 400 and starts nothing for an unknown suite', async () => {
    const user = uniqueUser();
    const res = await server.api('/api/tasks', {
      as: user,
      body: { type: 'test_run', params: { suite: 'nope' } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid-request');
    expect(runsResponseSchema.parse((await listRuns(user)).json).runs).toEqual([]);
  });

  it('answers 401 without a session', async () => {
    expect((await server.api('/api/runs')).status).toBe(401);
  });

  it('hides another user’s run: 404 exactly as an unknown id, and not in their list', async () => {
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    const run = await start(alice, { type: 'test_run' });
    const unknown = 't_unknownunknown00';
    for (const path of ['', '/events']) {
      const foreign = await server.api(`/api/tasks/${run.id}${path}`, { as: bob });
      const missing = await server.api(`/api/tasks/${unknown}${path}`, { as: bob });
      expect(foreign.status).toBe(404);
      expect(foreign.json).toEqual(missing.json);
    }
    expect(runsResponseSchema.parse((await listRuns(bob)).json).runs).toEqual([]);
    await finish(alice, run.id);
  });
});
