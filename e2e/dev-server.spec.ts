import { expect, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';

/**
 * `npm run dev` as a person runs it: Vite with the real server logic mounted on ioredis-mock.
 * React StrictMode runs effects twice in development; the stream lives outside React, so the
 * browser still makes exactly one `/api/events` request.
 */
let vite: ViteDevServer;
let url: string;

test.beforeAll(async () => {
  process.env.SIMULATION_SPEED = '5';
  process.env.LOG_LEVEL = 'error';
  vite = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  await vite.listen();
  const local = vite.resolvedUrls?.local[0];
  if (!local) throw new Error('vite did not report a URL');
  url = local.replace(/\/$/, '');
});

test.afterAll(async () => {
  await vite?.close();
});

test('the dev server in StrictMode opens exactly one stream and runs a rebuild', async ({ browser }) => {
  const context = await browser.newContext();
  // Warm-up load: Vite may optimize dependencies and reload once on first visit.
  const warm = await context.newPage();
  await warm.goto(`${url}/sign-in`);
  await warm.getByRole('button', { name: 'Sign in as bob' }).click();
  await expect(warm.getByRole('heading', { name: 'Communities', level: 1 })).toBeVisible({ timeout: 30_000 });
  await warm.close();

  const page = await context.newPage();
  const streamRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/events') streamRequests.push(request.url());
  });
  await page.goto(`${url}/communities`);
  await expect(page.getByRole('heading', { name: 'Communities', level: 1 })).toBeVisible();
  await expect(page.locator('[data-connection]')).toHaveAttribute('data-connection', 'live');
  await page.getByRole('button', { name: 'Rebuild communities' }).click();
  await expect(page.getByTestId('rebuild-task-card')).toContainText('Completed! 12 communities', {
    timeout: 20_000,
  });
  await page.waitForTimeout(1000);
  expect(streamRequests).toHaveLength(1);
  expect(streamRequests[0]).toMatch(/\/api\/events\?lastEventId=\d+\.\d+$/);
  await context.close();
});
