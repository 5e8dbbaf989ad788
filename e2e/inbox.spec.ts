/**
 * What finished while you were away, in Chromium against the real server: a task ends while the
 * tab is hidden → the title and favicon say how it ended; the bell counts it; the inbox lists it;
 * "mark all seen" holds across tabs, a reload and another browser; axe finds nothing with the
 * inbox open at 1280 and 375 px.
 */
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let server: RunningServer;
test.beforeAll(async () => {
  server = await startE2eServer({ SIMULATION_SPEED: '10' });
});
test.afterAll(() => server.close({ timeoutMs: 1000 }));

async function signIn(context: BrowserContext, user = 'alice'): Promise<void> {
  const res = await context.request.post(`${server.url}/api/auth/login`, {
    data: { username: user, password: 'demo' },
  });
  expect(res.status()).toBe(200);
}

/** Opens the app and waits until it is live and the progress stack (which owns the tab title) has loaded. */
async function openApp(page: Page): Promise<void> {
  await page.goto(`${server.url}/communities`);
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await expect(page.getByRole('region', { name: 'Background tasks' })).toBeAttached();
}

/** What the browser does when another tab comes to the front, or this one comes back. */
async function setVisibility(page: Page, state: 'visible' | 'hidden'): Promise<void> {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

const bell = (page: Page) => page.getByRole('button', { name: /^Activity/ });
const iconHref = (page: Page) => page.locator('link[rel~="icon"]').getAttribute('href');

async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  const summary = violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, label).toEqual([]);
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
}

test('a task that ends while the tab is hidden is told in the title, favicon, bell and inbox', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await signIn(context);
  const page = await context.newPage();
  await openApp(page);
  const otherTab = await context.newPage();
  await openApp(otherTab);
  const pageIcon = await iconHref(page);
  const pageTitle = await page.title();
  await expect(bell(page)).toHaveAccessibleName('Activity');

  await setVisibility(page, 'hidden');
  const started = await context.request.post(`${server.url}/api/tasks`, {
    data: { type: 'rebuild_communities' },
  });
  expect(started.status()).toBe(202);

  await expect(page).toHaveTitle('✓ Done — Rebuilding Communities', { timeout: 30_000 });
  expect(await iconHref(page)).toMatch(/^data:image\/png/);
  await expect(bell(page)).toHaveAccessibleName('Activity, 1 unseen');
  await expect(bell(otherTab)).toHaveAccessibleName('Activity, 1 unseen');
  // The finished card waits for the person instead of dismissing itself unseen.
  await page.waitForTimeout(7000);
  await expect(page.locator('article[data-status="completed"]')).toHaveCount(1);

  await setVisibility(page, 'visible');
  await expect(page).toHaveTitle(pageTitle);
  expect(await iconHref(page)).toBe(pageIcon);

  await bell(page).click();
  const panel = page.getByRole('region', { name: 'Activity' });
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await expect(panel.getByRole('link', { name: 'Rebuilding Communities' })).toHaveAttribute(
    'href',
    '/communities',
  );
  await expect(panel).toContainText('Completed! 12 communities and 348 edges');
  await expect(panel).toContainText(/took \d/);
  await page.screenshot({ path: 'test-results/inbox-1280.png' });
  await expectNoAxeViolations(page, 'inbox open at 1280 px');

  await page.setViewportSize({ width: 375, height: 740 });
  await expect(panel).toBeVisible();
  await page.screenshot({ path: 'test-results/inbox-375.png' });
  await expectNoAxeViolations(page, 'inbox open at 375 px');
  await expectNoHorizontalOverflow(page);

  await page.setViewportSize({ width: 320, height: 640 });
  await page.screenshot({ path: 'test-results/inbox-320.png' });
  await expectNoHorizontalOverflow(page);

  await panel.getByRole('button', { name: 'Mark all seen' }).click();
  await expect(bell(page)).toHaveAccessibleName('Activity');
  await expect(bell(otherTab)).toHaveAccessibleName('Activity');

  await page.reload();
  await expect(bell(page)).toHaveAccessibleName('Activity');
  await bell(page).click();
  await expect(page.getByRole('region', { name: 'Activity' }).getByRole('listitem')).toHaveCount(1);

  const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
  await signIn(phone);
  const phonePage = await phone.newPage();
  await openApp(phonePage);
  await expect(bell(phonePage)).toHaveAccessibleName('Activity');
  await bell(phonePage).click();
  await expect(phonePage.getByRole('region', { name: 'Activity' }).getByRole('listitem')).toHaveCount(1);
  await phone.close();
  await context.close();
});
