/**
 * The mock scenarios, driving the real app: MSW in Node (`mocks/node.ts`, with the `eventsource`
 * package as the global EventSource) answers the real stream client, whose ops fill the real
 * stores, which the real router, header, Communities page and progress stack render. Each test
 * asserts what a person sees. Scenarios run 10× faster (`timeScale`), the client's polling too.
 */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockBackend, server as mockServer, NodeEventSource, runScenario } from '../../mocks/node';
import type { ScenarioName } from '../../mocks/scenario-catalog';
import { getTaskType, type TaskType } from '../../protocol';
import { refreshSession } from '../features/auth/api/get-me';
import { setUnauthorizedHandler } from '../lib/api-client';
import { trackProgressStack } from '../stores/progress-stack-store';
import { setSignedOut } from '../stores/session-store';
import { subscribeTaskChanges } from '../stores/task-store';
import { createQueryInvalidator } from '../stream/query-invalidator';
import type { EventSourceLike } from '../stream/stream-client';
import { StreamRuntime } from '../stream/stream-runtime';
import { server as webServer } from '../test/msw-server';
import { createTestQueryClient } from '../test/render';
import { App } from './app';

const timeScale = 10;
const cleanups: Array<() => void> = [];
/** Every stream URL the app opened, in order. */
let streams: string[] = [];

/** The web tests' own MSW server steps aside: the scenario handlers answer every request here. */
beforeAll(() => {
  webServer.close();
  mockServer.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => {
  mockServer.close();
  webServer.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  mockBackend.stop();
});

/** Boots the app as `boot.ts` does (one stream runtime, one tab), on `scenario`, at `path`. */
function openApp(scenario: ScenarioName, path = '/communities') {
  runScenario(scenario, { timeScale });
  streams = [];
  const queryClient = createTestQueryClient();
  const invalidator = createQueryInvalidator(queryClient);
  cleanups.push(subscribeTaskChanges(trackProgressStack));
  cleanups.push(subscribeTaskChanges(invalidator.onChanges), invalidator.dispose);
  setUnauthorizedHandler(() => setSignedOut('expired'));
  cleanups.push(() => setUnauthorizedHandler(null));
  const runtime = new StreamRuntime({
    locks: null,
    createChannel: null,
    refreshSession: () => refreshSession(),
    client: {
      createEventSource: (url) => {
        streams.push(url);
        return new NodeEventSource(url) as unknown as EventSourceLike;
      },
      baseDelayMs: 100,
      maxDelayMs: 400,
      pollAfterMs: 300,
      pollIntervalMs: 400,
    },
  });
  runtime.start();
  cleanups.push(() => runtime.stop());
  void refreshSession();
  window.history.pushState({}, '', path);
  render(<App queryClient={queryClient} />);
}

const progressStack = () => screen.getByRole('region', { name: 'Background tasks' });
const indicator = () => document.querySelector('[data-connection]') as HTMLElement;

/** The card of a task type in the progress stack, once it shows. */
async function stackCard(type: TaskType, timeout = 5000): Promise<HTMLElement> {
  const title = getTaskType(type).title;
  const stack = await screen.findByRole('region', { name: 'Background tasks' }, { timeout });
  return within(stack).findByRole('article', { name: new RegExp(`^${title}:`) }, { timeout });
}

function failMessageIn(type: TaskType, stage: string): string {
  const message = getTaskType(type).steps.find((s) => s.stage === stage)?.failMessage;
  if (!message) throw new Error(`${type} has no fail message in ${stage}`);
  return message;
}

describe('scenarios in the app', () => {
  it('happy: progress moves, then "Completed!" with the registry texts and a refilled table', async () => {
    openApp('happy');
    expect(await screen.findByRole('heading', { level: 1, name: 'Communities' })).toBeInTheDocument();
    await act(async () => {
      await expect.poll(() => indicator().getAttribute('data-connection'), { timeout: 5000 }).toBe('live');
    });
    const po = getTaskType('po_processing');
    const card = await stackCard('po_processing');
    // The bar moves through the registry's steps until the card turns into "Completed!".
    const seen = new Set<number>();
    await act(async () => {
      await expect
        .poll(
          () => {
            const bar = within(card).queryByRole('progressbar', { name: po.title });
            if (bar) seen.add(Number(bar.getAttribute('aria-valuenow')));
            return card.getAttribute('data-status');
          },
          { timeout: 5000, interval: 10 },
        )
        .toBe('completed');
    });
    expect([...seen].filter((v) => v > 0 && v < 100).length).toBeGreaterThanOrEqual(1);
    expect(within(card).getByText(po.completedMessage)).toBeInTheDocument();
    expect(card).toHaveAttribute('data-status', 'completed');

    // The rebuild started by the scenario shows on the Communities page and refills its table.
    const rebuild = getTaskType('rebuild_communities');
    const rebuildCard = await screen.findByTestId('rebuild-task-card', {}, { timeout: 5000 });
    expect(
      await within(rebuildCard).findByText(rebuild.completedMessage, {}, { timeout: 5000 }),
    ).toBeVisible();
    expect(within(rebuildCard).getByTestId('stat-communities')).toHaveTextContent(
      String(rebuild.result.communities_count),
    );
    expect(await screen.findByText(/rebuild #1/, {}, { timeout: 5000 })).toBeInTheDocument();
    // Completions are announced to screen readers.
    await vi.waitFor(() =>
      expect(within(progressStack()).getByRole('status')).toHaveTextContent(/Completed!|tasks finished/),
    );
  });

  it('failure: the card shows the registry failMessage of the stage it failed in', async () => {
    openApp('failure');
    const card = await stackCard('po_processing');
    const expected = failMessageIn('po_processing', 'database_save');
    expect(await within(card).findByText(expected, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(card).toHaveAttribute('data-status', 'failed');
    expect(within(card).getByText('Failed')).toBeInTheDocument();
    // Failures are announced to screen readers (the test run of this scenario may be the latest).
    await vi.waitFor(() => expect(within(progressStack()).getByRole('alert')).toHaveTextContent(/ failed/));
  });

  it('server-down: the indicator says live updates are paused and polled progress still shows', async () => {
    openApp('server-down');
    await act(async () => {
      await expect.poll(() => indicator().getAttribute('data-connection'), { timeout: 5000 }).toBe('polling');
    });
    expect(indicator()).toHaveTextContent(/Live updates paused — checking every \d+ s/);
    const card = await stackCard('po_processing');
    const po = getTaskType('po_processing');
    // Polling keeps the card moving to the end, stream or no stream.
    expect(await within(card).findByText(po.completedMessage, {}, { timeout: 6000 })).toBeInTheDocument();
    expect(indicator()).toHaveAttribute('data-connection', 'polling');
  });

  it('flaky-network: the stream drops and resumes, and every task still ends completed', async () => {
    openApp('flaky-network');
    const po = getTaskType('po_processing');
    const leads = getTaskType('reddit_leads');
    const poCard = await stackCard('po_processing');
    expect(await within(poCard).findByText(po.completedMessage, {}, { timeout: 8000 })).toBeInTheDocument();
    const leadsCard = await stackCard('reddit_leads');
    expect(
      await within(leadsCard).findByText(leads.completedMessage, {}, { timeout: 8000 }),
    ).toBeInTheDocument();
    // The stream really dropped (every 3 task events) and was reopened each time.
    expect(mockBackend.health().connections.total).toBeGreaterThan(3);
    expect(streams[0]).toMatch(/^\/api\/events\?lastEventId=/);
  });

  it('auth-expired: the session ends, the sign-in page says so, and signing in resumes', async () => {
    const user = userEvent.setup();
    openApp('auth-expired');
    await stackCard('reddit_leads');
    expect(
      await screen.findByRole('heading', { name: 'Sign in to taskstream' }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session ended');
    expect(indicator()).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Sign in as alice' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Communities' })).toBeInTheDocument();
    const leads = getTaskType('reddit_leads');
    const card = await stackCard('reddit_leads');
    expect(await within(card).findByText(leads.completedMessage, {}, { timeout: 5000 })).toBeInTheDocument();
  });
});

describe('the Reddit page in the scenarios', () => {
  const rows = () => Number(screen.queryByTestId('leads-table')?.getAttribute('data-rows') ?? 0);
  const searches = () => mockBackend.tasksOf('alice');
  /** 47 leads per completed search, counted from the log (the finished list keeps only the latest 50). */
  const leadsOfDone = () =>
    mockBackend.logOf('alice').events.filter((e) => e.name === 'completed' && e.task.type === 'reddit_leads')
      .length * 47;

  it.each(['happy', 'burst', 'many-tasks', 'server-down'] as const)(
    '%s: the table ends with every lead the searches found, and the summary agrees',
    async (scenario) => {
      openApp(scenario, '/reddit');
      expect(await screen.findByRole('heading', { level: 1, name: 'Reddit leads' })).toBeInTheDocument();
      await waitFor(
        () => {
          expect(searches().active.some((t) => t.type === 'reddit_leads')).toBe(false);
          expect(leadsOfDone()).toBeGreaterThan(0);
          expect(screen.getByTestId('metric-total')).toHaveTextContent(String(leadsOfDone()));
          expect(screen.getByTestId('leads-progress')).toHaveAttribute('data-status', 'completed');
        },
        { timeout: 15_000, interval: 100 },
      );
      // Past the first page, "Load more" brings the rest: every lead once, none missing.
      await waitFor(
        async () => {
          const more = screen.queryByRole('button', { name: 'Load more leads' });
          if (more) await act(async () => more.click());
          expect(screen.queryByRole('button', { name: 'Load more leads' })).toBeNull();
          expect(rows()).toBe(leadsOfDone());
        },
        { timeout: 5000 },
      );
    },
    20_000,
  );

  it('failure: a search that fails says why and leaves the empty state with its button', async () => {
    const user = userEvent.setup();
    openApp('failure', '/reddit');
    const empty = await screen.findByTestId('leads-empty');
    await user.click(within(empty).getByRole('button', { name: 'Find More Leads' }));
    const panel = await screen.findByTestId('leads-progress');
    await waitFor(() => expect(panel).toHaveAttribute('data-status', 'failed'), { timeout: 5000 });
    expect(panel).toHaveTextContent(getTaskType('reddit_leads').steps[0]?.failMessage ?? '');
    expect(
      within(screen.getByTestId('leads-empty')).getByRole('button', { name: 'Find More Leads' }),
    ).toBeEnabled();
  });
});

describe('scenarios on the Runs page', () => {
  const runRows = () => {
    const list = screen.queryByRole('list', { name: 'All runs' });
    return list ? within(list).getAllByRole('listitem') : [];
  };
  /** Waits until a run row shows `badge` (rows come from GET /api/runs and the live store). */
  const rowWithBadge = (badge: string, timeout = 5000) =>
    act(async () => {
      await expect
        .poll(() => runRows().some((row) => within(row).queryByText(badge, { exact: true })), {
          timeout,
          interval: 20,
        })
        .toBe(true);
    });

  it('happy: no runs yet, with the buttons to start one', async () => {
    openApp('happy', '/runs');
    // The page's chunk loads on first visit.
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Runs' }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('No runs yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run tests' })).toBeEnabled();
  });

  it('failure: the scenario’s test run ends in error', async () => {
    openApp('failure', '/runs');
    await rowWithBadge('Error');
    expect(runRows()).toHaveLength(1);
  });

  it.each(['burst', 'many-tasks'] as const)(
    '%s: every test and job run of the scenario is listed',
    async (scenario) => {
      openApp(scenario, '/runs');
      const runs = mockBackend.config.autoStart.filter((a) => a.type === 'test_run' || a.type === 'job_run');
      await act(async () => {
        await expect.poll(() => runRows().length, { timeout: 5000 }).toBe(runs.length);
      });
      if (scenario === 'burst') await rowWithBadge('Passed');
      else expect(runRows().some((row) => within(row).queryByText(/^(Waiting|Running)$/))).toBe(true);
    },
  );

  it('server-down: a run started from the page still reaches its end by polling', async () => {
    const user = userEvent.setup();
    openApp('server-down', '/runs');
    expect(await screen.findByText('No runs yet', {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run tests' }));
    await user.click(screen.getByRole('button', { name: 'Start test run' }));
    await rowWithBadge('Passed', 8000);
  });
});
