import { expect, type Page, test } from '@playwright/test';
import type { RunningServer } from '../server/start-server';
import { indicator, startSlowServer, startTasks } from './a11y-support';
import { signIn } from './sign-in';

/**
 * A keyboard user never loses their place: after each step focus is on an element (never
 * `<body>`) and that element is not hidden under the progress stack (WCAG 2.2 2.4.11).
 */

let server: RunningServer;
test.beforeAll(async () => {
  server = await startSlowServer();
});
test.afterAll(async () => {
  await server.close({ timeoutMs: 1000 });
});

/** What has focus, and whether it can be seen: '' is fine, otherwise what went wrong. */
function focusProblem(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'focus is on <body>';
    const stack = document.querySelector('section[aria-labelledby]');
    if (stack?.contains(active)) return '';
    const box = active.getBoundingClientRect();
    const x = Math.min(window.innerWidth - 1, Math.max(0, box.left + box.width / 2));
    const y = Math.min(window.innerHeight - 1, Math.max(0, box.top + Math.min(box.height, 40) / 2));
    const seen = document.elementFromPoint(x, y);
    if (seen && stack?.contains(seen)) return `${active.outerHTML.slice(0, 80)} is under the progress stack`;
    return '';
  });
}

async function expectFocusKept(page: Page, step: string): Promise<void> {
  // Focus may move a frame after the change that caused it: wait for it to settle.
  await expect.poll(() => focusProblem(page), { message: step, timeout: 5000 }).toBe('');
}

/** Presses Tab until the element named `name` has focus (at most `limit` presses). */
async function tabTo(page: Page, name: RegExp, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const a = document.activeElement;
      return a?.getAttribute('aria-label') ?? a?.textContent?.trim() ?? '';
    });
    if (name.test(focused)) return;
  }
  throw new Error(`${name} not reached in ${limit} Tab presses`);
}

test('sign in, start, expand, cancel, dismiss and navigate by keyboard at 1280 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${server.url}/sign-in`);
  // The demo credentials are filled in once the server's sign-in options arrive.
  await expect(page.getByLabel('Password')).not.toHaveValue('');
  await tabTo(page, /^Sign in$/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Communities' })).toBeFocused();
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');

  // Start: the button disables while its request runs.
  await tabTo(page, /^Rebuild communities$/);
  await page.keyboard.press('Enter');
  await expectFocusKept(page, 'after Start');
  const card = page.locator('[data-task-id][data-status="running"]').first();
  await expect(card).toBeVisible();

  // Alt+T reaches the stack; the first card's details open.
  await page.keyboard.press('Alt+KeyT');
  await expect(page.locator('[data-progress-stack-toggle]')).toBeFocused();
  await tabTo(page, /^Show details of /, 5);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /^Hide details of / }).first()).toHaveAttribute(
    'aria-expanded',
    'true',
  );
  await expectFocusKept(page, 'after expand');

  // Cancel: the button goes away with the running state; focus lands on Dismiss.
  await tabTo(page, /^Cancel /, 5);
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-task-id][data-status="cancelled"]')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: /^Dismiss / })).toBeFocused();

  // Dismiss: the card goes away; focus stays in the stack.
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-task-id][data-status="cancelled"]')).toHaveCount(0);
  await expectFocusKept(page, 'after Dismiss');

  // Navigate: the new page's heading takes focus.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Demo' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Demo gallery' })).toBeFocused();
});

test('the phone menu closes on Escape and a link lands on the new page at 375 px', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await signIn(page, server.url, 'bob');
  const menu = page.getByRole('button', { name: 'Open menu' });
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Close menu' })).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Open menu' })).toBeFocused();
  await expect(page.locator('#mobile-nav')).toHaveCount(0);

  await page.keyboard.press('Enter');
  await tabTo(page, /^Demo$/, 10);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Demo gallery' })).toBeFocused();
  await expectFocusKept(page, 'after a menu link');
});

test('no tab stop of the gallery hides under the progress stack on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await signIn(page, server.url, 'alice');
  await startTasks(page, server.url, ['po_processing', 'reddit_leads', 'rebuild_communities']);
  await page.goto(`${server.url}/demo`);
  await expect(page.locator('[data-progress-stack-toggle]')).toBeVisible();
  const hidden: string[] = [];
  let stops = 0;
  for (; stops < 200; stops++) {
    await page.keyboard.press('Tab');
    const problem = await focusProblem(page);
    // Past the last tab stop the browser's own UI takes focus: the page's cycle is done.
    if (problem === 'focus is on <body>') break;
    if (problem) hidden.push(`stop ${stops}: ${problem}`);
  }
  expect(stops, 'the gallery has many tab stops').toBeGreaterThan(40);
  expect(hidden).toEqual([]);
});
