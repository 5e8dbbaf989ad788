import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { healthResponseSchema } from '../protocol';
import type { RedisPair } from '../server/redis';
import type { RunningServer } from '../server/start-server';
import { startE2eServer } from './server';
import { signIn } from './sign-in';

/** The real server on an ephemeral port, serving the built SPA from dist/. */
async function start(env: Record<string, string> = {}, redis?: RedisPair): Promise<RunningServer> {
  return startE2eServer({ SIMULATION_SPEED: '3', HEARTBEAT_MS: '2000', ...env }, redis);
}

/** An embedded Redis whose data outlives one server: ioredis-mock shares data per port. */
function embeddedRedis(port: number): RedisPair {
  const commands = new RedisMock({ port }) as unknown as Redis;
  return { commands, subscriber: commands.duplicate(), embedded: true };
}

function indicator(page: Page) {
  return page.locator('[data-connection]');
}

async function activeStreams(server: RunningServer): Promise<number> {
  const res = await fetch(`${server.url}/api/health`);
  return healthResponseSchema.parse(await res.json()).connections.active;
}

const servers: RunningServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })));
});

test('sign in, rebuild communities, watch the bar move and the table refill', async ({ page }) => {
  const server = await start();
  servers.push(server);
  await signIn(page, server.url);
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
  await expect(page.getByTestId('communities-caption')).toContainText('never rebuilt');
  await expect(page.getByRole('rowheader')).toHaveCount(8);

  await page.getByRole('button', { name: 'Rebuild communities' }).click();
  const bar = page.getByRole('progressbar', { name: 'Rebuild progress' });
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const value = Number(await bar.getAttribute('aria-valuenow'));
        seen.add(value);
        return value;
      },
      { intervals: [50], timeout: 30_000 },
    )
    .toBe(100);
  const between = [...seen].filter((v) => v > 0 && v < 100);
  expect(between.length, `intermediate values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);

  const card = page.getByTestId('rebuild-task-card');
  await expect(card).toContainText('Completed! 12 communities and 348 edges');
  await expect(page.getByTestId('stat-communities')).toHaveText('12');
  await expect(page.getByTestId('stat-edges')).toHaveText('348');
  // The table refilled itself: the completed task invalidated ['communities'].
  await expect(page.getByTestId('communities-caption')).toContainText('rebuild #1');
  await expect(page.getByRole('rowheader')).toHaveCount(12);
  // The global stack showed the same completion on its own card.
  await expect(page.locator('article[data-status="completed"]')).toHaveCount(1);
});

test('polling shows progress and completion while the stream route is blocked, then hands back', async ({
  page,
  context,
}) => {
  const server = await start({ SIMULATION_SPEED: '1' });
  servers.push(server);
  await page.route('**/api/events**', (route) => route.abort());
  await signIn(page, server.url);
  await expect(indicator(page)).toHaveAttribute('data-connection', 'polling');
  await expect(indicator(page)).toContainText('Live updates paused — checking every 5 s');

  await page.getByRole('button', { name: 'Rebuild communities' }).click();
  const bar = page.getByRole('progressbar', { name: 'Rebuild progress' });
  // A poll (every 5 s) brings progress part-way through the ~9 s task...
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 })
    .toBeGreaterThan(0);
  // ...and the completion, which refills the table.
  await expect(page.getByTestId('rebuild-task-card')).toContainText('Completed! 12 communities', {
    timeout: 25_000,
  });
  await expect(page.getByTestId('communities-caption')).toContainText('rebuild #1');
  const toast = page.locator('article[data-status="completed"]');
  await expect(toast).toHaveCount(1);
  // The toast dismisses itself; handing back to the stream (which replays the same end) must not bring it back.
  await expect(toast).toHaveCount(0, { timeout: 15_000 });
  await page.unroute('**/api/events**');
  await context.setOffline(true);
  await context.setOffline(false); // `online` → reconnect at once instead of waiting out the backoff
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
  await page.waitForTimeout(1500);
  await expect(toast).toHaveCount(0);
  await expect(page.getByTestId('rebuild-task-card')).toHaveAttribute('data-status', 'completed');
});

test('four tabs share one stream, and another tab takes over when the leader closes', async ({ browser }) => {
  const server = await start();
  servers.push(server);
  const context: BrowserContext = await browser.newContext();
  try {
    const leader = await context.newPage();
    await signIn(leader, server.url);
    await expect(indicator(leader)).toHaveAttribute('data-connection', 'live');
    const followers: Page[] = [];
    for (let i = 0; i < 3; i++) {
      const tab = await context.newPage();
      await tab.goto(`${server.url}/communities`);
      await expect(tab.getByRole('heading', { name: 'Communities', level: 1 })).toBeVisible();
      await expect(indicator(tab)).toHaveAttribute('data-connection', 'live');
      followers.push(tab);
    }
    await leader.waitForTimeout(500);
    expect(await activeStreams(server)).toBe(1);

    // Events reach every tab through the leader's one stream.
    await followers[2]?.getByRole('button', { name: 'Rebuild communities' }).click();
    for (const tab of [leader, ...followers]) {
      await expect(tab.getByTestId('rebuild-task-card')).toContainText('Completed! 12 communities', {
        timeout: 20_000,
      });
    }

    await leader.close();
    const next = followers[0];
    if (!next) throw new Error('no follower');
    await expect.poll(() => activeStreams(server), { timeout: 5000 }).toBe(1);
    await expect(indicator(next)).toHaveAttribute('data-connection', 'live');
    await next.waitForTimeout(1000);
    expect(await activeStreams(server)).toBe(1);

    // The new leader streams: a second rebuild reaches the remaining tabs.
    await next.getByRole('button', { name: 'Rebuild communities' }).click();
    for (const tab of followers) {
      await expect(tab.getByTestId('communities-caption')).toContainText('rebuild #2', { timeout: 20_000 });
    }
  } finally {
    await context.close();
  }
});

test('a server restart mid-task ends in the right final state with one toast', async ({ page }) => {
  const redisPort = 40_000 + Math.floor(Math.random() * 10_000);
  const first = await start({ SIMULATION_SPEED: '1' }, embeddedRedis(redisPort));
  await signIn(page, first.url);
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
  await page.getByRole('button', { name: 'Rebuild communities' }).click();
  const bar = page.getByRole('progressbar', { name: 'Rebuild progress' });
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(10);

  await first.close({ timeoutMs: 1000 });
  const second = await start({ SIMULATION_SPEED: '1', PORT: String(first.port) }, embeddedRedis(redisPort));
  servers.push(second);

  // The stream resumes by id on the new process and replays the end the old one wrote.
  const card = page.getByTestId('rebuild-task-card');
  await expect(card).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(card).toContainText('Interrupted: the server restarted');
  await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
  await expect(page.locator('article[data-status="failed"]')).toHaveCount(1);
  await expect(page.getByTestId('rebuild-task-card').getByRole('button', { name: 'Retry' })).toBeEnabled();
});
