import { describe, expect, it } from 'vitest';
import type { ContractError } from './errors';
import { jobs, parseRunsQuery, runDetailsOf, runStatusOf, selectRuns, testSuites } from './runs';
import type { Task } from './task';
import { failStepFor, parseCreateTaskBody, type TaskScriptOptions, taskScript } from './task-lifecycle';
import { stagesOf, taskTypes } from './task-types';

const base = { ownerId: 'alice', createdAt: Date.parse('2026-01-01T10:00:00Z') };

function run(options: Partial<TaskScriptOptions> & Pick<TaskScriptOptions, 'type'>) {
  return taskScript({ id: 't_run_0000001', ...base, ...options });
}
const last = (entries: ReturnType<typeof run>): Task => entries.at(-1)!.task;

describe('runStepScript (through taskScript)', () => {
  it('passes every test of the suite and links its report when nothing is asked to fail', () => {
    const entries = run({ type: 'test_run', params: { suite: 'checkout' } });
    const final = last(entries);
    expect(final.status).toBe('completed');
    expect(runStatusOf(final)).toBe('passed');
    expect(runDetailsOf(final)).toMatchObject({
      name: 'Checkout flow',
      passed: testSuites.checkout.tests.length,
      failed: 0,
      reportUrl: '/reports/test-runs/t_run_0000001/index.html',
    });
    expect(final.message).toBe(
      `Test run passed: all ${testSuites.checkout.tests.length} tests executed successfully`,
    );
  });

  it('names the run in its first update, at once, while it waits for a runner', () => {
    const [, named] = run({ type: 'job_run', params: { job: 'release' } });
    expect(named?.atMs).toBe(0);
    expect(named?.task.data?.name).toBe('Release check');
    expect(runStatusOf(named!.task)).toBe('waiting');
  });

  it('goes waiting → running → passed in that order', () => {
    const statuses = run({ type: 'job_run' }).map((e) => runStatusOf(e.task));
    const distinct = statuses.filter((s, i) => s !== statuses[i - 1]);
    expect(distinct).toEqual(['waiting', 'running', 'passed']);
  });

  it('fails with the failing test and its message when makeItFail is set', () => {
    const final = last(run({ type: 'job_run', params: { job: 'nightly', makeItFail: true } }));
    expect(final.status).toBe('failed');
    expect(runStatusOf(final)).toBe('failed');
    const details = runDetailsOf(final);
    const failing = jobs.nightly.tests.find((t) => t.title === details.failingTest);
    expect(failing).toBeDefined();
    expect(details.failureMessage).toBe(failing?.failure);
    expect(details).toMatchObject({ passed: jobs.nightly.tests.length - 1, failed: 1 });
    expect(final.error).toBe(`Job execution failed. ${failing?.title}: ${failing?.failure}`);
    expect(details.reportUrl).toMatch(/^\/reports\/job-runs\//);
  });

  it('ends in error, not failed, when the run breaks in a stage (failAt)', () => {
    const final = last(run({ type: 'test_run', failAtStep: failStepFor('test_run', 'waiting') }));
    expect(final.status).toBe('failed');
    expect(runStatusOf(final)).toBe('error');
    expect(final.error).toBe('No test runner became free in time. Try the run again.');
  });

  it.each(['test_run', 'job_run'] as const)(
    'ends %s in error with the registry’s failMessage of each stage',
    (type) => {
      for (const stage of stagesOf(type)) {
        const index = failStepFor(type, stage)!;
        const entries = run({ type, failAtStep: index });
        expect(last(entries)).toMatchObject({
          status: 'failed',
          error: taskTypes[type].steps[index]?.failMessage,
        });
        expect(runStatusOf(last(entries))).toBe('error');
      }
    },
  );

  it('varies durations from run to run but agrees for one run id', () => {
    const duration = (id: string) => runDetailsOf(last(run({ id, type: 'test_run' }))).durationMs;
    expect(duration('t_aaaaaaaaaa')).toBe(duration('t_aaaaaaaaaa'));
    const many = new Set(['t_aaaaaaaaaa', 't_bbbbbbbbbb', 't_cccccccccc', 't_dddddddddd'].map(duration));
    expect(many.size).toBeGreaterThan(1);
  });
});

describe('run start parameters', () => {
  it.each([
    [{ type: 'test_run', params: { suite: 'no-such-suite' } }],
    [{ type: 'test_run', params: { makeItFail: 'yes' } }],
    [{ type: 'test_run', params: { job: 'nightly' } }],
    [{ type: 'job_run', params: { suite: 'smoke' } }],
    [{ type: 'job_run', params: { job: 'weekly' } }],
  ])('answers 400 invalid-request for %j', (body) => {
    expect(() => parseCreateTaskBody(body)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid-request' }) as ContractError,
    );
  });

  it('accepts a known suite and job, and no params at all', () => {
    expect(
      parseCreateTaskBody({ type: 'test_run', params: { suite: 'regression', makeItFail: true } }),
    ).toBeTruthy();
    expect(parseCreateTaskBody({ type: 'job_run', params: { job: 'payments' } })).toBeTruthy();
    expect(parseCreateTaskBody({ type: 'job_run' })).toBeTruthy();
  });
});

describe('selectRuns and parseRunsQuery', () => {
  const at = (minute: number) => base.createdAt + minute * 60_000;
  const passedTest = last(run({ id: 't_passed_test', type: 'test_run', createdAt: at(1) }));
  const failedJob = last(
    run({ id: 't_failed_job0', type: 'job_run', createdAt: at(2), params: { makeItFail: true } }),
  );
  const runningJob = run({ id: 't_running_job', type: 'job_run', createdAt: at(3) })[3]!.task;
  const other = last(taskScript({ id: 't_other_type0', ...base, type: 'seo_init' }));
  const all = [passedTest, other, failedJob, runningJob];

  it('lists only runs, newest first', () => {
    expect(selectRuns(all, parseRunsQuery({})).map((t) => t.id)).toEqual([
      't_running_job',
      't_failed_job0',
      't_passed_test',
    ]);
  });

  it('filters by kind and by run status', () => {
    expect(selectRuns(all, parseRunsQuery({ kind: 'job' })).map((t) => t.id)).toEqual([
      't_running_job',
      't_failed_job0',
    ]);
    expect(selectRuns(all, parseRunsQuery({ status: 'failed' })).map((t) => t.id)).toEqual(['t_failed_job0']);
    expect(selectRuns(all, parseRunsQuery({ kind: 'test', status: 'running' }))).toEqual([]);
  });

  it.each([{ kind: 'tests' }, { status: 'completed' }, { kind: 'test', sort: 'old' }])(
    'answers 400 invalid-query for %j',
    (query) => {
      expect(() => parseRunsQuery(query)).toThrow(
        expect.objectContaining({ status: 400, code: 'invalid-query' }),
      );
    },
  );
});
