import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page } from '@playwright/test';
import { listTasksResponseSchema } from '../protocol';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';

/** WCAG 2.2 A and AA, and axe's best practices. */
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

/**
 * The real server on an ephemeral port with slow simulated workers, so that tasks are still
 * running while a page is checked.
 */
export function startSlowServer(): Promise<RunningServer> {
  // Every test signs in afresh from the same address: LOGIN_RATE_LIMIT.
  return startE2eServer({ SIMULATION_SPEED: '0.25', HEARTBEAT_MS: '2000', LOGIN_RATE_LIMIT: '1000' });
}

/** The paths of the main navigation, read from the page: pages added later are checked too. */
export async function navPaths(page: Page): Promise<string[]> {
  const menu = page.getByRole('button', { name: 'Open menu' });
  if (await menu.isVisible()) await menu.click();
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  // The menu and the nav render after the click: wait for them rather than read an empty list.
  await expect(links.first()).toBeVisible();
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  if (await page.getByRole('button', { name: 'Close menu' }).isVisible()) {
    await page.getByRole('button', { name: 'Close menu' }).click();
  }
  expect(hrefs.length).toBeGreaterThan(1);
  return [...new Set(hrefs)];
}

/** Starts tasks of a few types through the API (the page's cookie signs the request). */
export async function startTasks(page: Page, url: string, types: readonly string[]): Promise<void> {
  for (const type of types) {
    const res = await page.request.post(`${url}/api/tasks`, { data: { type } });
    expect(res.status(), type).toBe(202);
  }
}

/** How many of the signed-in user's tasks are pending or running. */
export async function activeTaskCount(page: Page, url: string): Promise<number> {
  const res = await page.request.get(`${url}/api/tasks?status=active`);
  return listTasksResponseSchema.parse(await res.json()).tasks.length;
}

/** Opens every card's details in the progress stack. */
export async function openAllDetails(page: Page): Promise<void> {
  const toggles = page.getByRole('button', { name: /^Show details of / });
  for (let left = await toggles.count(); left > 0; left = await toggles.count()) {
    await toggles.first().click();
  }
}

export function indicator(page: Page) {
  return page.locator('[data-connection]').first();
}

/** Cuts the live stream: the app reconnects, then falls back to polling. */
export async function blockStream(context: BrowserContext): Promise<void> {
  await context.route('**/api/events**', (route) => route.abort());
}

/** The axe violations of the page, as "rule: target" lines (empty when clean). */
export async function axeViolations(page: Page): Promise<string[]> {
  // A row fading in is measured at its end colours, not halfway (spinners run forever: skipped).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  const results = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
  );
}

/**
 * '' when the page is no wider than the viewport; else by how much, and the outermost elements
 * that stick out (ignoring those inside their own scrolling box).
 */
export function horizontalOverflow(page: Page): Promise<string> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const over = root.scrollWidth - root.clientWidth;
    if (over <= 0) return '';
    const clipped = (e: Element): boolean => {
      for (let a = e.parentElement; a && a !== root; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5 && !clipped(e))
      .slice(0, 5)
      .map((e) => `<${e.tagName.toLowerCase()} class="${String(e.getAttribute('class')).slice(0, 60)}">`);
    return `${over} px wider: ${culprits.join(', ')}`;
  });
}
