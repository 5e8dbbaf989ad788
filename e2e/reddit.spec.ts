import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { signupResponseSchema } from '../protocol';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';

/** Seed 000 end to end: sign up, the first search already running, the table growing batch by batch. */

const servers: RunningServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })));
});

async function start(): Promise<RunningServer> {
  // About 8 s for the ten batches: slow enough to watch the table grow several times.
  const server = await startE2eServer({ SIMULATION_SPEED: '2', HEARTBEAT_MS: '2000' });
  servers.push(server);
  return server;
}

const rowCount = async (page: Page) =>
  Number(
    (await page
      .getByTestId('leads-table')
      .getAttribute('data-rows')
      .catch(() => '0')) ?? 0,
  );

async function expectAccessible(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow at ${width} px`).toBeLessThanOrEqual(0);
}

test('sign up → the signup search is on screen at once → the table grows batch by batch → the count matches', async ({
  page,
}) => {
  const server = await start();
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your taskstream account', level: 1 })).toBeVisible();
  await expectAccessible(page, 375);

  const username = `e2e-${Date.now().toString(36)}`;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toContainText('at least 10 characters');

  await page.getByLabel('Password').fill('find-my-leads-2025');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/signup'));
  await page.getByRole('button', { name: 'Sign up' }).click();
  const { task } = signupResponseSchema.parse(await (await answer).json());
  expect(task.trigger).toBe('signup');

  // The toast is there at once: from the sign-up answer, before the stream says anything.
  const toast = page.locator(`article[data-task-id="${task.id}"]`);
  await expect(toast).toBeVisible({ timeout: 2000 });
  await expect(toast).toContainText('Finding Reddit Leads');
  await expect(page.getByRole('heading', { name: 'Reddit leads', level: 1 })).toBeVisible();

  const counts = new Set<number>();
  const panel = page.getByTestId('leads-progress');
  await expect
    .poll(
      async () => {
        const status = await panel.getAttribute('data-status');
        if (status === 'running') counts.add(await rowCount(page));
        return status;
      },
      { intervals: [40], timeout: 40_000 },
    )
    .toBe('completed');
  const growing = [...counts].filter((n) => n > 0);
  expect(growing.length, `row counts seen while running: ${[...counts].join(', ')}`).toBeGreaterThanOrEqual(
    3,
  );

  const completed = (await toast.textContent()) ?? '';
  const found = Number(/Completed! (\d+) leads found/.exec(completed)?.[1]);
  expect(found).toBeGreaterThan(0);
  // Batches published before the stream opened come with the one refetch at the end, not live.
  await expect.poll(() => rowCount(page), { timeout: 5000 }).toBe(found);
  await expect(page.getByTestId('metric-total')).toHaveText(String(found));
  await expect(page.getByTestId('metric-searches')).toHaveText('10');

  await expectAccessible(page, 1280);
  await page.screenshot({ path: 'test-results/reddit-1280.png' });
  await expectAccessible(page, 375);
  await page.screenshot({ path: 'test-results/reddit-375.png' });

  // "Find More Leads" keeps focus while it runs, and the rows survive a reload.
  const find = page.getByTestId('find-leads');
  await find.focus();
  await page.keyboard.press('Enter');
  await expect(find).toHaveText('Finding…');
  await expect(find).toHaveAttribute('aria-disabled', 'true');
  await expect(find).toBeFocused();
  await expect(panel).toContainText(/Step \d+ of 10/);
  await page.reload();
  await expect.poll(() => rowCount(page)).toBeGreaterThanOrEqual(found);
});
