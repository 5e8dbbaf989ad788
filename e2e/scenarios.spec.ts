import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { getTaskType, type TaskType } from '../protocol';
import { startE2eServer } from './server';
import { signIn } from './sign-in';

/**
 * The mock scenarios in Chromium: `npm run dev:mocks` (Vite in `mocks` mode, MSW in a service
 * worker, no server at all), each scenario opened as a designer would, at `/?scenario=NAME`, at its
 * real speed. Then the demo gallery, in the dev server and in the production build.
 */
let vite: ViteDevServer;
let url: string;
/** One tab for every scenario, as a designer keeps one open: the service worker stays registered. */
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  vite = await createServer({
    configFile: 'vite.config.ts',
    mode: 'mocks',
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  await vite.listen();
  const local = vite.resolvedUrls?.local[0];
  if (!local) throw new Error('vite did not report a URL');
  url = local.replace(/\/$/, '');
  context = await browser.newContext();
  page = await context.newPage();
  // Warm-up: Vite transforms (and may optimize dependencies) on the first visit.
  await page.goto(`${url}/?scenario=happy`);
  await expect(page.getByRole('heading', { name: 'Communities', level: 1 })).toBeVisible({ timeout: 30_000 });
});

test.afterAll(async () => {
  await context?.close();
  await vite?.close();
});

/** Opens the app on a scenario; signs in when the scenario starts signed out. */
async function openScenario(page: Page, scenario: string, path = '/'): Promise<void> {
  await page.goto(`${url}${path}?scenario=${scenario}`);
  const signInHeading = page.getByRole('heading', { name: 'Sign in to taskstream' });
  const anyPage = page.getByRole('heading', { level: 1 });
  await expect(anyPage).toBeVisible();
  if (await signInHeading.isVisible()) await page.getByRole('button', { name: 'Sign in as alice' }).click();
  await expect(page.getByTestId('scenario-toolbar').getByRole('combobox')).toHaveValue(scenario);
}

function stackCard(page: Page, type: TaskType) {
  const title = getTaskType(type).title;
  return page
    .getByRole('region', { name: 'Background tasks' })
    .getByRole('article', { name: new RegExp(`^${title}:`) });
}

const indicator = (page: Page) => page.locator('[data-connection]');

function failMessageIn(type: TaskType, stage: string): string {
  const message = getTaskType(type).steps.find((s) => s.stage === stage)?.failMessage;
  if (!message) throw new Error(`${type} has no fail message in ${stage}`);
  return message;
}

test('happy: live, the bars move and the purchase order ends "Completed!"', async () => {
  await openScenario(page, 'happy');
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
  const po = getTaskType('po_processing');
  const card = stackCard(page, 'po_processing');
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/);
  await expect(card).toContainText(po.completedMessage, { timeout: 20_000 });
  // The rebuild the scenario started moves on the Communities page meanwhile.
  await expect(page.getByRole('progressbar', { name: 'Rebuild progress' })).toHaveAttribute(
    'aria-valuenow',
    /^[1-9]\d?$/,
  );
});

test('failure: the purchase order fails in database_save with the registry message', async () => {
  await openScenario(page, 'failure');
  const card = stackCard(page, 'po_processing');
  await expect(card).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  await expect(card).toContainText(failMessageIn('po_processing', 'database_save'));
});

test('flaky-network: the stream drops and resumes, and the order still completes', async () => {
  const streams: string[] = [];
  const onRequest = (request: { url(): string }) => {
    if (new URL(request.url()).pathname === '/api/events') streams.push(request.url());
  };
  await openScenario(page, 'flaky-network');
  page.on('request', onRequest);
  await expect(stackCard(page, 'po_processing')).toContainText(
    getTaskType('po_processing').completedMessage,
    {
      timeout: 25_000,
    },
  );
  page.off('request', onRequest);
  // Opened once, then reopened after each drop.
  expect(streams.length, streams.join('\n')).toBeGreaterThanOrEqual(2);
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
});

test('server-down: the indicator says updates are paused and polling still shows progress', async () => {
  await openScenario(page, 'server-down');
  await expect(indicator(page)).toHaveAttribute('data-connection', 'polling', { timeout: 15_000 });
  await expect(indicator(page)).toContainText('Live updates paused');
  await expect(stackCard(page, 'po_processing').getByRole('progressbar')).toHaveAttribute(
    'aria-valuenow',
    /^[1-9]\d?$/,
    { timeout: 15_000 },
  );
});

test('burst: sixty tasks in two seconds all land, and the stream stays live', async () => {
  await openScenario(page, 'burst');
  const stack = page.getByRole('region', { name: 'Background tasks' });
  // Every card is in the stack's scrolling list; the pill folds it, so make sure it is open.
  const toggle = stack.locator('[data-progress-stack-toggle]');
  await expect(toggle).toBeVisible({ timeout: 10_000 });
  if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  await expect
    .poll(() => stack.locator('article[data-status="completed"]').count(), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(30);
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
});

const galleryHeadings = [
  'Progress bar',
  'Progress card (toast)',
  'Connection indicator',
  'Status badge',
  'Activity feed row',
  'Task card',
  'Pipeline card',
  'Page headers',
  'Scenario player',
];

test('the gallery shows every section, and its player switches scenario live', async () => {
  await openScenario(page, 'happy', '/demo');
  await expect(page.getByRole('heading', { level: 1, name: 'Demo gallery' })).toBeVisible();
  for (const name of galleryHeadings) {
    await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Gallery' }).getByRole('link', { name })).toBeVisible();
  }
  await expect(
    page.getByRole('figure', { name: 'Running, 37 %' }).first().getByRole('progressbar').first(),
  ).toHaveAttribute('aria-valuenow', '37');

  const player = page.getByRole('region', { name: 'Scenario player' });
  await player.getByRole('combobox', { name: 'Scenario' }).selectOption('failure');
  await player.getByRole('button', { name: 'Play failure' }).click();
  await expect(player.getByTestId('scenario-status')).toContainText('Playing failure');
  await expect(page.getByTestId('scenario-toolbar').getByRole('combobox')).toHaveValue('failure');
  await expect(player.getByRole('list', { name: 'Live activity' })).toContainText(
    failMessageIn('po_processing', 'database_save'),
    { timeout: 15_000 },
  );
});

test('the production build ships no mocks, and its gallery says scenarios are dev-only', async ({
  browser,
}) => {
  expect(existsSync('dist/index.html'), 'run `vite build` first (npm run test:e2e does)').toBe(true);
  expect(existsSync('dist/mockServiceWorker.js')).toBe(false);
  for (const file of readdirSync('dist/assets').filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join('dist/assets', file), 'utf8');
    expect(code, file).not.toMatch(/setupWorker|mockServiceWorker|MockBackend|msw\/browser/);
  }
  const server = await startE2eServer();
  const page = await browser.newPage();
  try {
    await signIn(page, server.url, 'alice', { path: '/demo', heading: 'Demo gallery' });
    await expect(page.getByRole('note')).toContainText('Scenarios are dev-only');
    await expect(page.getByTestId('scenario-toolbar')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 2, name: 'Pipeline card' })).toBeVisible();
  } finally {
    await page.close();
    await server.close({ timeoutMs: 1000 });
  }
});
