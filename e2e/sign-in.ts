import { expect, type Page } from '@playwright/test';

/**
 * Signs in with the sign-in page's "Sign in as <user>" button (the server's demo users) and waits
 * for the page it lands on: Communities, or `next` with its heading.
 */
export async function signIn(
  page: Page,
  url: string,
  user = 'alice',
  next?: { path: string; heading: string },
): Promise<void> {
  await page.goto(`${url}/sign-in${next ? `?next=${encodeURIComponent(next.path)}` : ''}`);
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await expect(page.getByRole('heading', { name: next?.heading ?? 'Communities', level: 1 })).toBeVisible();
}

/** Opens `path` and waits for its `<h1>` (pages load lazily), the one named `heading` when given. */
export async function openPage(page: Page, url: string, path: string, heading?: string): Promise<void> {
  await page.goto(`${url}${path}`);
  await expect(page.getByRole('heading', { level: 1, ...(heading ? { name: heading } : {}) })).toBeVisible();
}
