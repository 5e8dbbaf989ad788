import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';
import { signIn } from './sign-in';

/** Where the spec leaves its screenshots for a person to look at. */
const shots = process.env.RUNS_SCREENSHOTS ?? '';

async function start(): Promise<RunningServer> {
  return startE2eServer({ SIMULATION_SPEED: '2', HEARTBEAT_MS: '2000' });
}

/** Starts a run from the Runs page's form and returns its id (from its row's link). */
async function startRun(
  page: Page,
  kind: 'tests' | 'job',
  choice: string,
  makeItFail: boolean,
): Promise<string> {
  await page.getByRole('button', { name: kind === 'tests' ? 'Run tests' : 'Run job' }).click();
  await page
    .getByLabel(kind === 'tests' ? 'Test suite' : 'Job', { exact: true })
    .selectOption({ label: choice });
  if (makeItFail) await page.getByLabel('Make it fail (demo)').check();
  const before = await page
    .getByRole('list', { name: 'All runs' })
    .getByRole('listitem')
    .count()
    .catch(() => 0);
  await page.getByRole('button', { name: kind === 'tests' ? 'Start test run' : 'Start job run' }).click();
  const rows = page.getByRole('list', { name: 'All runs' }).getByRole('listitem');
  await expect(rows).toHaveCount(before + 1);
  const href = await rows.first().getByRole('link').first().getAttribute('href');
  const id = href?.split('/').pop();
  if (!id) throw new Error(`no run link in the newest row (${href})`);
  return id;
}

const toastsOf = (page: Page, id: string) =>
  page.getByRole('region', { name: 'Background tasks' }).locator(`article[data-task-id="${id}"]`);
const rowOf = (page: Page, id: string) =>
  page.getByRole('listitem').filter({ has: page.locator(`a[href="/runs/${id}"]`) });

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    what,
  ).toEqual([]);
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

const servers: RunningServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })));
});

test('run tests: the badge goes running then passed, and the end toasts once across a reconnect, the detail page and a reload', async ({
  page,
  context,
}) => {
  const server = await start();
  servers.push(server);
  await signIn(page, server.url);
  await page.getByRole('link', { name: 'Runs' }).click();
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  await expect(page.getByText('No runs yet')).toBeVisible();

  const id = await startRun(page, 'tests', 'Checkout flow (8 tests)', false);
  const row = rowOf(page, id);
  await expect(row.getByText('Running', { exact: true })).toBeVisible();
  // A second tab of the same browser follows the same run through the leader tab's stream.
  const second = await context.newPage();
  await second.goto(`${server.url}/runs`);
  await expect(rowOf(second, id)).toBeVisible();

  // The network drops mid-run; the stream resumes from its last id.
  await context.setOffline(true);
  await context.setOffline(false);

  await expect(row.getByText('Passed', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(row.getByRole('link', { name: 'Report of Checkout flow' })).toHaveAttribute(
    'href',
    `/reports/test-runs/${id}/index.html`,
  );
  await expect(toastsOf(page, id)).toHaveCount(1);
  await expect(toastsOf(page, id)).toContainText('Test run passed: all 8 tests executed successfully');
  await expect(toastsOf(second, id)).toHaveCount(1);
  await second.close();

  // Dismissed, the toast stays gone: the run's own stream sends the end again on the detail page.
  await toastsOf(page, id)
    .getByRole('button', { name: /^Dismiss/ })
    .click();
  await expect(toastsOf(page, id)).toHaveCount(0);
  await row.getByRole('link', { name: 'Checkout flow', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Checkout flow', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Result' })).toContainText(
    'Test run passed: all 8 tests executed successfully',
  );
  await expect(toastsOf(page, id)).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Checkout flow', level: 1 })).toBeVisible();
  await expect(toastsOf(page, id)).toHaveCount(0);
});

test('a failing job run shows failed with the failing test, on the list and on its detail page', async ({
  page,
}) => {
  const server = await start();
  servers.push(server);
  await signIn(page, server.url);
  await page.goto(`${server.url}/runs`);
  const id = await startRun(page, 'job', 'Release check (3 tests)', true);

  // The detail page follows the run live over its own stream.
  await rowOf(page, id).getByRole('link').first().click();
  await expect(page.getByRole('heading', { name: 'Release check', level: 1 })).toBeVisible();
  await expect(page.getByText('Live: updates arrive as the run moves.')).toBeVisible();
  const outcome = page.getByRole('region', { name: 'Result' });
  await expect(outcome).toBeVisible({ timeout: 30_000 });
  await expect(outcome).toContainText('Failing test:');
  await expect(page.getByRole('region', { name: 'Steps' })).toContainText('Running the tests');
  await expect(toastsOf(page, id)).toHaveCount(1);
  await expect(toastsOf(page, id)).toContainText('Job execution failed.');

  await page.goto(`${server.url}/runs?status=failed`);
  await expect(page.getByLabel('Status')).toHaveValue('failed');
  await expect(rowOf(page, id).getByText('Failed', { exact: true })).toBeVisible();
  await page.goto(`${server.url}/runs?status=passed`);
  await expect(page.getByText('No runs match these filters')).toBeVisible();
});

test('a finished run’s detail page shows the end at once; another user gets "not found"', async ({
  page,
  browser,
}) => {
  const server = await start();
  servers.push(server);
  await signIn(page, server.url);
  await page.goto(`${server.url}/runs`);
  const id = await startRun(page, 'tests', 'Smoke tests (6 tests)', false);
  await expect(rowOf(page, id).getByText('Passed', { exact: true })).toBeVisible({ timeout: 30_000 });

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await signIn(other, server.url);
  const streams: number[] = [];
  other.on('response', (res) => {
    if (res.url().includes(`/api/tasks/${id}/events`)) streams.push(res.status());
  });
  await other.goto(`${server.url}/runs/${id}`);
  await expect(other.getByRole('heading', { name: 'Smoke tests', level: 1 })).toBeVisible();
  await expect(other.getByRole('region', { name: 'Result' })).toContainText('all 6 tests');
  await expect(other.getByRole('link', { name: 'Report of Smoke tests' })).toBeVisible();
  await expect(toastsOf(other, id)).toHaveCount(0);
  // The stream sent the end and closed; nothing reconnects into it.
  await expect.poll(() => streams.length).toBeGreaterThan(0);
  expect(streams.every((s) => s === 200 || s === 204)).toBe(true);
  await fresh.close();

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, server.url, 'bob');
  await bob.goto(`${server.url}/runs/${id}`);
  await expect(bob.getByRole('heading', { name: 'Run not found', level: 1 })).toBeVisible();
  await bobContext.close();
});

for (const width of [1280, 375]) {
  test(`the runs pages at ${width} px: no axe violations, no horizontal overflow`, async ({ page }) => {
    const server = await start();
    servers.push(server);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, server.url);
    await page.goto(`${server.url}/runs`);
    const passed = await startRun(page, 'tests', 'Smoke tests (6 tests)', false);
    const failed = await startRun(page, 'job', 'Payments monitor (3 tests)', true);
    await expect(rowOf(page, passed).getByText('Passed', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(rowOf(page, failed).getByText('Failed', { exact: true })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Run tests' }).click();
    await expectNoHorizontalOverflow(page);
    await expectNoAxeViolations(page, `/runs at ${width} px`);
    if (shots) await page.screenshot({ path: `${shots}/runs-${width}.png`, fullPage: true });

    await page.goto(`${server.url}/runs/${failed}`);
    await expect(page.getByRole('region', { name: 'Result' })).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await expectNoAxeViolations(page, `/runs/:id at ${width} px`);
    if (shots) await page.screenshot({ path: `${shots}/run-detail-${width}.png`, fullPage: true });
  });
}
