import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { healthResponseSchema } from '../protocol';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';
import { signIn } from './sign-in';

const screenshotDir = process.env.E2E_SCREENSHOT_DIR ?? 'test-results/operations';

let server: RunningServer;
test.beforeAll(async () => {
  server = await startE2eServer({ SIMULATION_SPEED: '3', HEARTBEAT_MS: '2000' });
});
test.afterAll(() => server.close({ timeoutMs: 1000 }));

async function openOperations(page: Page): Promise<void> {
  await signIn(page, server.url, 'alice', { path: '/operations', heading: 'Operations' });
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
}

async function healthActive(): Promise<number> {
  const res = await fetch(`${server.url}/api/health`);
  return healthResponseSchema.parse(await res.json()).connections.active;
}

test('the active-connection figure equals /api/health’s', async ({ page }) => {
  await openOperations(page);
  const figure = page.getByTestId('connections-active');
  // The page polls every 5 s: wait for a read taken after this page's own stream opened.
  await expect
    .poll(async () => Number(await figure.textContent()), { intervals: [500], timeout: 15_000 })
    .toBeGreaterThan(0);
  expect(Number(await figure.textContent())).toBe(await healthActive());
  await expect(page.getByText(/^\d+ now/).first()).toBeVisible();
});

test('a brand analysis started from the page shows its stages live and its summary', async ({ page }) => {
  await openOperations(page);
  await page.getByLabel('Brand name').fill('Acme Coffee');
  await page.getByRole('button', { name: 'Analyze brand' }).click();
  const card = page.getByTestId('brand-analysis-task');
  await expect(card).toContainText('Analysis of “Acme Coffee”');
  // Mid-run: a stage in progress, the earlier ones done, the bar part-way, an ETA.
  await expect(card.locator('[data-stage="analyzing"]')).toHaveAttribute('data-state', 'active');
  await expect(card.locator('[data-stage="collecting"]')).toHaveAttribute('data-state', 'done');
  const midway = Number(
    await page.getByRole('progressbar', { name: 'Brand analysis progress' }).getAttribute('aria-valuenow'),
  );
  expect(midway).toBeGreaterThan(0);
  expect(midway).toBeLessThan(100);
  await expect(card).toContainText(/Stage \d of 5 · (about \d+ s left|almost done)/);
  await expect(page.getByTestId('brand-analysis-summary')).toContainText('Mostly positive: 68% of 412');
  await expect(card.locator('[data-stage="summarizing"]')).toHaveAttribute('data-state', 'done');
  // The server's counters saw it: tasks by type shows the completed analysis.
  const row = page.getByRole('row', { name: /Analyzing Your Brand/ });
  await expect(row.getByRole('cell').nth(2)).toHaveText(/^[1-9]/, { timeout: 15_000 });
});

for (const width of [1280, 375, 320]) {
  test(`no axe violations and a readable layout at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await openOperations(page);
    await expect(page.getByTestId('connections-active')).toBeVisible();
    // Two scrapes, so the charts have a line to draw.
    await expect(page.getByText(/Events delivered per second/)).toBeVisible();
    await page.waitForResponse((res) => res.url().endsWith('/metrics'), { timeout: 15_000 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, 'no horizontal scrolling').toBeLessThanOrEqual(width);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' | ')}`)).toEqual([]);
    await page.screenshot({ path: `${screenshotDir}/operations-${width}.png`, fullPage: true });
  });
}
