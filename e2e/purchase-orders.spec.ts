import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';
import { openPage, signIn } from './sign-in';

const csv = [
  'sku,description,quantity,unit_price',
  ...Array.from({ length: 37 }, (_, i) => `SKU-${1000 + i},Item ${i + 1},${(i % 5) + 1},${(i + 1) * 1.25}`),
].join('\n');
const clock = /^\d{2}:\d{2}:\d{2}$/;

let server: RunningServer;
test.beforeAll(async () => {
  server = await startE2eServer({ SIMULATION_SPEED: '1', HEARTBEAT_MS: '2000' });
});
test.afterAll(() => server.close({ timeoutMs: 1000 }));

async function openPurchaseOrders(page: Page): Promise<void> {
  await signIn(page, server.url);
  await openPage(page, server.url, '/purchase-orders', 'Purchase orders');
  await expect(page.locator('[data-connection]').first()).toHaveAttribute('data-connection', 'live');
}

async function uploadThroughChooser(page: Page, poNumber: string, failAt?: string): Promise<void> {
  await page.getByLabel('Supplier').fill('Northwind Supply Co.');
  await page.getByLabel(/PO number/).fill(poNumber);
  if (failAt) {
    await page.getByText('Demo options').click();
    await page.getByLabel('Simulate a failure in').selectOption(failAt);
  }
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('po-drop-zone').click();
  await (await chooser).setFiles({ name: `${poNumber}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload PO' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `${poNumber}: 37 line items accepted` }),
  ).toBeVisible();
}

test('an uploaded CSV goes through the three stages in order, told in the feed, to completed', async ({
  page,
}) => {
  await openPurchaseOrders(page);
  await uploadThroughChooser(page, 'PO-E2E-1');
  const card = page.getByTestId('po-card').filter({ hasText: 'PO-E2E-1' });
  await expect(card).toContainText('37 line items');

  // Sample the stage states until the end: each stage must finish before the next one runs.
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const states = await card
          .locator('[data-stage]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-state') ?? ''));
        const snapshot = states.join(',');
        if (seen.at(-1) !== snapshot) seen.push(snapshot);
        return card.getAttribute('data-status');
      },
      { intervals: [50], timeout: 30_000 },
    )
    .toBe('completed');
  for (const snapshot of seen) {
    const states = snapshot.split(',');
    const firstNotDone = states.findIndex((s) => s !== 'done');
    if (firstNotDone >= 0) expect(states.slice(firstNotDone + 1).every((s) => s === 'waiting')).toBe(true);
  }
  expect(seen.some((s) => s.startsWith('running'))).toBe(true);
  expect(seen.some((s) => s.startsWith('done,running'))).toBe(true);
  for (const stage of ['ai_parsing', 'database_save', 'shopify_sync'])
    await expect(card.locator(`[data-stage="${stage}"]`)).toHaveAttribute('data-state', 'done');

  const feed = page.getByTestId('po-feed');
  await expect(feed).toContainText('PO-E2E-1: Parsed 37 line items');
  await expect(feed).toContainText('Saved 37 line items');
  await expect(feed.locator('[data-kind="completed"]')).toContainText('37 line items synced to Shopify');
  for (const kind of ['stage-started', 'stage-completed', 'completed']) {
    await expect(feed.locator(`[data-kind="${kind}"]`).first()).toBeVisible();
  }
  const times = await feed.locator('time').allTextContents();
  expect(times.length).toBeGreaterThan(4);
  for (const t of times) expect(t).toMatch(clock);
  await expect(page.getByTestId('pipeline-status-card').filter({ hasText: 'Completed' })).toContainText(
    /[1-9]/,
  );

  await card.getByText('Line items (37)').click();
  await expect(card.getByRole('cell', { name: 'SKU-1036' })).toBeVisible();
});

test('a PO failing in database_save shows the error entry, and Retry starts it again', async ({ page }) => {
  await openPurchaseOrders(page);
  await uploadThroughChooser(page, 'PO-E2E-FAIL', 'database_save');
  const card = page.getByTestId('po-card').filter({ hasText: 'PO-E2E-FAIL' });
  await expect(card).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(card.locator('[data-stage="ai_parsing"]')).toHaveAttribute('data-state', 'done');
  await expect(card.locator('[data-stage="database_save"]')).toHaveAttribute('data-state', 'failed');
  const error = page.getByTestId('po-feed').locator('[data-kind="error"]').filter({ hasText: 'PO-E2E-FAIL' });
  await expect(error).toContainText('Database connection timeout');
  await error.getByRole('button', { name: 'Retry PO-E2E-FAIL' }).click();
  await expect(card).toContainText('attempt 2');
  await expect(card).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
});

test('a bad file is refused with its line and column, and nothing starts', async ({ page }) => {
  await openPurchaseOrders(page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('po-drop-zone').click();
  await (await chooser).setFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('sku,description,quantity,unit_price\nA-1,Tea,lots,1.00\n'),
  });
  await page.getByRole('button', { name: 'Upload PO' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'line 2' })).toContainText(
    'line 2, column 3 (quantity)',
  );
  await expect(page.getByTestId('po-card').filter({ hasText: 'broken' })).toHaveCount(0);
});

for (const width of [1280, 375]) {
  test(`has no axe violations and no horizontal overflow at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await openPurchaseOrders(page);
    await uploadThroughChooser(page, `PO-W${width}`, 'shopify_sync');
    const card = page.getByTestId('po-card').filter({ hasText: `PO-W${width}` });
    await expect(card).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
    await card.getByText(/^Line items/).click();
    await expect(card.getByRole('table')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/purchase-orders-${width}.png`, fullPage: true });
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  });
}
