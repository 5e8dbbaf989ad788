/**
 * Seed 001's runs: test runs (`test_run`) and job runs (`job_run`) as people see them. The rules
 * live here once — which suites and jobs exist, what a run's start parameters may be, how a
 * simulated run unfolds, how a task reads as a run status, and which runs a `GET /api/runs` query
 * selects — so that the server and the mocks call the same functions.
 */
import { z } from 'zod';
import { ContractError, validationError } from './errors';
import type { TaskParams, TaskUpdateBody } from './requests';
import { type Task, type TaskData, taskSchema } from './task';
import { getTaskType, type TaskType } from './task-types';

// ---------------------------------------------------------------------------------------------
// What can be run
// ---------------------------------------------------------------------------------------------

interface RunnableTest {
  /** The spec file for test suites, empty for job steps (a job names its tests by title). */
  readonly file: string;
  readonly title: string;
  /** What the report says when this test is the one that fails. */
  readonly failure: string;
}

interface Runnable {
  readonly label: string;
  readonly tests: readonly RunnableTest[];
}

const spec = (file: string, title: string, failure: string): RunnableTest => ({ file, title, failure });

const smokeTests = [
  spec('login.spec.ts', 'signs in with a password', 'expected the dashboard heading, found "Sign in"'),
  spec('login.spec.ts', 'signs in with a magic link', 'timed out after 30 s waiting for the email'),
  spec('navigation.spec.ts', 'opens every top-level page', '/settings answered 500'),
  spec('search.spec.ts', 'finds a product by name', 'expected 3 results, got 0'),
  spec('profile.spec.ts', 'updates the display name', 'the save button stayed disabled'),
  spec('health.spec.ts', 'reports every service up', 'payments answered 503'),
] as const;

const checkoutTests = [
  spec('cart.spec.ts', 'adds an item to the cart', 'the cart badge still says 0'),
  spec('cart.spec.ts', 'removes an item from the cart', 'the item was still listed after removal'),
  spec('checkout.spec.ts', 'applies a discount code', 'expected total 90.00, got 100.00'),
  spec('checkout.spec.ts', 'pays with a saved card', 'the payment iframe never loaded'),
  spec('checkout.spec.ts', 'shows the order confirmation', 'no order number on the confirmation page'),
  spec('shipping.spec.ts', 'computes shipping for Canada', 'expected 12.50, got 0.00'),
  spec('shipping.spec.ts', 'offers express delivery', 'the express option was missing'),
  spec('refunds.spec.ts', 'refunds a cancelled order', 'the refund stayed "pending" after 60 s'),
] as const;

export const testSuites = {
  smoke: { label: 'Smoke tests', tests: smokeTests },
  checkout: { label: 'Checkout flow', tests: checkoutTests },
  regression: {
    label: 'Full regression',
    tests: [
      ...smokeTests,
      ...checkoutTests,
      spec('settings.spec.ts', 'saves the notification preferences', 'the toggle reverted after reload'),
      spec('settings.spec.ts', 'changes the password', 'the old password was still accepted'),
      spec('invoices.spec.ts', 'downloads an invoice as PDF', 'the download was 0 bytes'),
      spec('invoices.spec.ts', 'lists the last 12 invoices', 'expected 12 rows, got 11'),
      spec('team.spec.ts', 'invites a teammate', 'the invitation email was never sent'),
      spec('team.spec.ts', 'removes a teammate', 'the removed member could still sign in'),
      spec('api.spec.ts', 'rejects a request without a token', 'expected 401, got 200'),
      spec('api.spec.ts', 'pages through orders', 'the second page repeated the first'),
      spec('i18n.spec.ts', 'shows prices in euros for Germany', 'prices were shown in dollars'),
      spec('a11y.spec.ts', 'has no axe violations on the home page', '2 violations: color-contrast'),
    ],
  },
} as const satisfies Record<string, Runnable>;

const jobStep = (title: string, failure: string): RunnableTest => ({ file: '', title, failure });

export const jobs = {
  nightly: {
    label: 'Nightly regression',
    tests: [
      jobStep('Login flow', 'the sign-in button never became visible'),
      jobStep('Checkout with discount', 'expected total 90.00, got 100.00'),
      jobStep('Search results', 'the API answered 500'),
      jobStep('Account settings', 'timed out after 30 s'),
    ],
  },
  release: {
    label: 'Release check',
    tests: [
      jobStep('Health endpoints', 'payments answered 503'),
      jobStep('Login flow', 'the sign-in button never became visible'),
      jobStep('Database migrations', 'migration 0042 is not applied'),
    ],
  },
  payments: {
    label: 'Payments monitor',
    tests: [
      jobStep('Card payment', 'the card was declined by the sandbox'),
      jobStep('Refund', 'the refund stayed "pending" after 60 s'),
      jobStep('Webhook delivery', 'no webhook arrived within 10 s'),
    ],
  },
} as const satisfies Record<string, Runnable>;

export type TestSuiteId = keyof typeof testSuites;
export type JobId = keyof typeof jobs;
const suiteIds = Object.keys(testSuites) as [TestSuiteId, ...TestSuiteId[]];
const jobIds = Object.keys(jobs) as [JobId, ...JobId[]];

// ---------------------------------------------------------------------------------------------
// Start parameters
// ---------------------------------------------------------------------------------------------

/** `params` of a `test_run`: which suite, and `makeItFail` to make one of its tests fail (demos). */
const testRunParamsSchema = z.object({
  suite: z.enum(suiteIds).default('smoke'),
  makeItFail: z.boolean().default(false),
});
/** `params` of a `job_run`: which job, and `makeItFail` to make one of its tests fail (demos). */
const jobRunParamsSchema = z.object({
  job: z.enum(jobIds).default('nightly'),
  makeItFail: z.boolean().default(false),
});

interface RunPlan {
  readonly kind: RunKind;
  readonly id: string;
  readonly runnable: Runnable;
  readonly makeItFail: boolean;
}

function planOf(type: TaskType, params: TaskParams): RunPlan | null {
  if (type === 'test_run') {
    const parsed = testRunParamsSchema.safeParse(params);
    if (!parsed.success) throw validationError(parsed.error);
    const { suite, makeItFail } = parsed.data;
    return { kind: 'test', id: suite, runnable: testSuites[suite], makeItFail };
  }
  if (type === 'job_run') {
    const parsed = jobRunParamsSchema.safeParse(params);
    if (!parsed.success) throw validationError(parsed.error);
    const { job, makeItFail } = parsed.data;
    return { kind: 'job', id: job, runnable: jobs[job], makeItFail };
  }
  return null;
}

/** `POST /api/tasks` for a run: 400 `invalid-request` for an unknown suite or job or a non-boolean `makeItFail`. */
export function checkRunParams(type: TaskType, params: TaskParams): void {
  if (type === 'test_run' && 'job' in params)
    throw new ContractError('invalid-request', 'params.job: a test run takes a suite, not a job', 400);
  if (type === 'job_run' && 'suite' in params)
    throw new ContractError('invalid-request', 'params.suite: a job run takes a job, not a suite', 400);
  planOf(type, params);
}

// ---------------------------------------------------------------------------------------------
// How a simulated run unfolds
// ---------------------------------------------------------------------------------------------

/** Same shape as task-lifecycle's `ScriptedStep` (kept apart so the two files do not import each other). */
interface RunStep {
  readonly durationMs: number;
  readonly patch: TaskUpdateBody;
}

/** A small stable hash of the task id: runs differ from one another, yet the server and the mocks agree. */
function seedOf(taskId: string): number {
  let h = 2166136261;
  for (const ch of taskId) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** What a test's line in a report says: `checkout.spec.ts › applies a discount code`. */
function testName(test: RunnableTest): string {
  return test.file ? `${test.file} › ${test.title}` : test.title;
}

/**
 * The steps of a `test_run` or `job_run` (null for other types): the run's name at once, a wait for
 * a runner, the tests in batches (test runs) or one by one (job runs) with passed and failed counts,
 * the report upload, then `passed` (completed) or, with `makeItFail`, failed with the failing test's
 * name and message. `failAt` (a stage of the registry) stops it there instead, as an error of the
 * run rather than of its tests.
 */
export function runStepScript(
  type: TaskType,
  run: { taskId: string; params: TaskParams },
  failAtStep: number | null,
): RunStep[] | null {
  const plan = planOf(type, run.params);
  if (!plan) return null;
  const seed = seedOf(run.taskId);
  const jitter = (ms: number, salt: number) =>
    Math.round(ms * (0.8 + (((seed >>> salt) & 0xff) / 255) * 0.4));
  const tests = plan.runnable.tests;
  const failingIndex = plan.makeItFail ? seed % tests.length : -1;
  const batches = plan.kind === 'test' ? batchesOf(tests.length, 3) : tests.map((_, i) => i + 1);
  const total = batches.length + 2;
  const reportBase = `/reports/${plan.kind === 'test' ? 'test-runs' : 'job-runs'}/${run.taskId}`;
  const reportUrl = `${reportBase}/index.html`;
  const artifactsUrl = `${reportBase}/artifacts.zip`;
  const identity = {
    kind: plan.kind,
    runnableId: plan.id,
    name: plan.runnable.label,
    testsTotal: tests.length,
  };

  const steps: RunStep[] = [
    {
      durationMs: 0,
      patch: {
        progress: { current: 0, total },
        stage: 'waiting',
        message:
          plan.kind === 'test' ? 'Waiting for a free test runner...' : 'Job queued, waiting for a worker...',
        data: { ...identity, testsDone: 0, passed: 0, failed: 0 },
      },
    },
    {
      durationMs: jitter(1200, 0),
      patch: {
        progress: { current: 1, total },
        stage: 'running',
        message: `Starting ${tests.length} tests...`,
      },
    },
  ];
  let elapsed = steps.reduce((sum, s) => sum + s.durationMs, 0);
  for (const [index, done] of batches.entries()) {
    const failed = failingIndex >= 0 && failingIndex < done ? 1 : 0;
    const current = tests[done - 1];
    const durationMs = jitter(
      plan.kind === 'test' ? 600 * (done - (batches[index - 1] ?? 0)) : 1800,
      8 + index,
    );
    elapsed += durationMs;
    steps.push({
      durationMs,
      patch: {
        progress: { current: index + 2, total },
        stage: 'running',
        message:
          plan.kind === 'test'
            ? `Running tests: ${done} of ${tests.length} done`
            : `Running test ${done} of ${tests.length}: ${current?.title ?? ''}`,
        data: {
          testsDone: done,
          passed: done - failed,
          failed,
          ...(plan.kind === 'job' && current ? { currentTest: current.title } : {}),
        },
      },
    });
  }
  const reportMs = jitter(900, 16);
  elapsed += reportMs;
  steps.push({
    durationMs: reportMs,
    patch: {
      progress: { current: total, total },
      stage: 'reporting',
      message: plan.kind === 'test' ? 'Uploading the test report...' : 'Generating the job report...',
      data: { reportUrl },
    },
  });

  const failing = tests[failingIndex];
  const outcome: TaskData = {
    ...identity,
    passed: tests.length - (failing ? 1 : 0),
    failed: failing ? 1 : 0,
    durationMs: elapsed,
    reportUrl,
    artifactsUrl,
  };
  const noun = plan.kind === 'test' ? 'Test run' : 'Job execution';
  steps.push({
    durationMs: 0,
    patch: failing
      ? {
          status: 'failed',
          data: { ...outcome, failingTest: testName(failing), failureMessage: failing.failure },
          error: `${noun} failed. ${testName(failing)}: ${failing.failure}`,
        }
      : {
          status: 'completed',
          result: { status: 'passed', ...outcome },
          message: `${noun} passed: all ${tests.length} tests executed successfully`,
        },
  });
  return failAtStep === null ? steps : failedAt(type, steps, failAtStep);
}

/** Cumulative test counts for `parts` batches of `count` tests: 24 → [8, 16, 24]. */
function batchesOf(count: number, parts: number): number[] {
  const n = Math.min(parts, count);
  return Array.from({ length: n }, (_, i) => Math.round(((i + 1) * count) / n));
}

/**
 * The run up to the registry step's stage, failing where that stage's work would end: a wait that
 * never gets a runner, the first batch of tests, or the report upload.
 */
function failedAt(type: TaskType, steps: readonly RunStep[], failAtStep: number): RunStep[] {
  const step = getTaskType(type).steps[failAtStep];
  const stage = step?.stage ?? 'running';
  const index = steps.findIndex((_, i) => i > 0 && steps[i - 1]?.patch.stage === stage);
  const cut = index > 0 ? index : steps.length - 1;
  const error = step?.failMessage ?? 'The run stopped with an error.';
  return [
    ...steps.slice(0, cut),
    { durationMs: steps[cut]?.durationMs ?? 0, patch: { status: 'failed', error } },
  ];
}

// ---------------------------------------------------------------------------------------------
// A task read as a run
// ---------------------------------------------------------------------------------------------

export const runKinds = ['test', 'job'] as const;
export type RunKind = (typeof runKinds)[number];
const typeOfKind: Record<RunKind, TaskType> = { test: 'test_run', job: 'job_run' };

/** What a run badge can say; from the task's status and, once it ends, its outcome. */
export const runStatuses = ['waiting', 'running', 'passed', 'failed', 'error', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

export function runKindOf(task: Task): RunKind | null {
  if (task.type === 'test_run') return 'test';
  if (task.type === 'job_run') return 'job';
  return null;
}

/**
 * The badge: `waiting` until a runner picks it up, `running`, then `passed`; a run whose tests failed
 * is `failed` (it reports failing tests), one that stopped for any other reason is `error`.
 */
export function runStatusOf(task: Task): RunStatus {
  switch (task.status) {
    case 'pending':
      return 'waiting';
    case 'running':
      return task.stage === undefined || task.stage === 'waiting' ? 'waiting' : 'running';
    case 'completed':
      return task.result?.status === 'failed' ? 'failed' : 'passed';
    case 'failed':
      return typeof task.data?.failed === 'number' && task.data.failed > 0 && task.data.failingTest
        ? 'failed'
        : 'error';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The run's outcome fields: the result once passed, the live data otherwise (a failed run has no result). */
export function runDetailsOf(task: Task): TaskData {
  return { ...task.data, ...task.result };
}

// ---------------------------------------------------------------------------------------------
// GET /api/runs
// ---------------------------------------------------------------------------------------------

/** `GET /api/runs?kind=&status=`: unknown values or keys are a 400 `invalid-query`. */
export const runsQuerySchema = z.strictObject({
  kind: z.enum(['all', ...runKinds]).default('all'),
  status: z.enum(['all', ...runStatuses]).default('all'),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export function parseRunsQuery(query: unknown): RunsQuery {
  const parsed = runsQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw validationError(parsed.error, 'invalid-query');
  return parsed.data;
}

export const runsResponseSchema = z.object({ runs: z.array(taskSchema) });
export type RunsResponse = z.infer<typeof runsResponseSchema>;

/** True when `task` is a run that `query` selects. */
export function matchesRuns(task: Task, query: RunsQuery): boolean {
  const kind = runKindOf(task);
  if (!kind) return false;
  if (query.kind !== 'all' && typeOfKind[query.kind] !== task.type) return false;
  return query.status === 'all' || runStatusOf(task) === query.status;
}

/** The runs among `tasks` that `query` selects, newest first (by creation; ties by id, so the order is stable). */
export function selectRuns(tasks: readonly Task[], query: RunsQuery): Task[] {
  return tasks
    .filter((t) => matchesRuns(t, query))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
