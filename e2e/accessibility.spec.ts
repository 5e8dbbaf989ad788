import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import type { RunningServer } from '../server/start-server';
import {
  activeTaskCount,
  axeViolations,
  blockStream,
  horizontalOverflow,
  indicator,
  navPaths,
  openAllDetails,
  startSlowServer,
  startTasks,
} from './a11y-support';
import { openPage, signIn } from './sign-in';

/**
 * axe-core (WCAG 2.2 AA + best practice) on every page of the main navigation — the gallery among
 * them — at desktop and phone widths: idle, with tasks running and every card's details open, and
 * in polling; then no horizontal overflow at 320 and 375 px in every connection state.
 */

let server: RunningServer;
test.beforeAll(async () => {
  server = await startSlowServer();
});
test.afterAll(async () => {
  await server.close({ timeoutMs: 1000 });
});

const widths = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 375, height: 667 },
] as const;

/** One of every kind of card look: several stages, a batch unit and a percent unit. */
const runningTypes = ['po_processing', 'reddit_leads', 'rebuild_communities'] as const;

const shots = process.env.A11Y_SCREENSHOTS;

async function checkEveryPage(page: Page, state: string, prepare?: () => Promise<void>): Promise<void> {
  const found: string[] = [];
  for (const path of await navPaths(page)) {
    await openPage(page, server.url, path);
    await prepare?.();
    const violations = await axeViolations(page);
    found.push(...violations.map((v) => `${path}: ${v}`));
    if (shots) {
      mkdirSync(shots, { recursive: true });
      const width = page.viewportSize()?.width ?? 0;
      await page.screenshot({ path: `${shots}/${state}-${width}${path.replaceAll('/', '-')}.png` });
    }
  }
  expect(found, `axe violations (${state})`).toEqual([]);
}

for (const size of widths) {
  test.describe(`axe at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test('idle: every page has no violations', async ({ page }) => {
      await signIn(page, server.url, 'bob');
      await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
      await checkEveryPage(page, 'idle');
    });

    test('tasks running, every card open: no violations', async ({ page }) => {
      await signIn(page, server.url, 'alice');
      await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
      await startTasks(page, server.url, runningTypes);
      await checkEveryPage(page, 'running', async () => {
        const running = page.locator('[data-task-id][data-status="running"]');
        // A slow run of the checks can outlast the tasks: keep some running.
        if ((await activeTaskCount(page, server.url)) === 0) {
          await startTasks(page, server.url, runningTypes);
        }
        await expect(running.first()).toBeVisible();
        await openAllDetails(page);
      });
    });

    test('polling (stream blocked), indicator details open: no violations', async ({ page, context }) => {
      await signIn(page, server.url, 'alice');
      await startTasks(page, server.url, ['rebuild_communities']);
      await blockStream(context);
      await checkEveryPage(page, 'polling', async () => {
        await expect(indicator(page)).toHaveAttribute('data-connection', 'polling', { timeout: 20_000 });
        await indicator(page).getByRole('button').click();
        await expect(indicator(page).getByText(/checking every \d+ s/)).toBeVisible();
      });
    });
  });
}

for (const width of [320, 375]) {
  test(`no horizontal overflow at ${width} px in any connection state`, async ({ page, context }) => {
    await page.setViewportSize({ width, height: 640 });
    await signIn(page, server.url, 'alice');
    const paths = await navPaths(page);
    const measure = async (state: string) => {
      for (const path of paths) {
        await openPage(page, server.url, path);
        if (state !== 'offline') {
          await expect(indicator(page)).toHaveAttribute('data-connection', state, { timeout: 20_000 });
        }
        expect(await horizontalOverflow(page), `${path} while ${state}`).toBe('');
      }
    };
    await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
    await startTasks(page, server.url, runningTypes);
    await measure('live');
    await blockStream(context);
    // After a page load a cut stream is first retried (the longest word), then polled.
    await measure('reconnecting');
    await measure('polling');
    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await expect(indicator(page)).toHaveAttribute('data-connection', 'offline');
    expect(await horizontalOverflow(page), 'offline').toBe('');
    if (shots) await page.screenshot({ path: `${shots}/offline-${width}.png` });
  });
}

test('reduced motion: bars, chevrons and the stack move without transitions', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await signIn(page, server.url, 'alice');
  await startTasks(page, server.url, ['reddit_leads']);
  const toggle = page.locator('[data-progress-stack-toggle]');
  await expect(toggle).toBeVisible();
  // Each moving part either has no transition property or only zero durations.
  const moving = await page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '[data-progress-stack-toggle] svg, [aria-controls] svg.transition-transform',
      ),
      ...document.querySelectorAll('[role="progressbar"] > div'),
    ].map((e) => {
      const style = getComputedStyle(e);
      const still =
        style.transitionProperty === 'none' ||
        style.transitionDuration.split(',').every((d) => Number.parseFloat(d) === 0);
      return still ? '' : `${e.tagName} ${style.transitionProperty} ${style.transitionDuration}`;
    }),
  );
  expect(moving.length).toBeGreaterThan(2);
  expect(moving.filter(Boolean)).toEqual([]);
});

test('dark mode (system preference), tasks running: no violations on any page', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, server.url, 'alice');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await startTasks(page, server.url, ['po_processing']);
  await checkEveryPage(page, 'dark', async () => {
    await expect(page.locator('[data-task-id]').first()).toBeVisible();
  });
  // The toggle overrides the system and is remembered across loads.
  await page.getByRole('button', { name: 'Dark mode' }).click();
  await page.reload();
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);
  await expect(page.getByRole('button', { name: 'Dark mode' })).toHaveAttribute('aria-pressed', 'false');
});
