import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  leadBatchOf,
  leadMetrics,
  pageOfLeads,
  parseLeadsQuery,
  type RedditLead,
  type Task,
  taskScript,
} from '../../../../protocol';
import { applyTaskOps, subscribeTaskChanges } from '../../../stores/task-store';
import { createQueryInvalidator } from '../../../stream/query-invalidator';
import { server } from '../../../test/msw-server';
import { createTestQueryClient, renderWithProviders } from '../../../test/render';
import { resetLiveLeads } from '../live-leads-store';
import { RedditPage } from './reddit-page';

/** What the server has stored; the handlers page it with protocol's rules, as the real routes do. */
let stored: RedditLead[] = [];
let leadReads: string[] = [];
const cleanups: Array<() => void> = [];

function serveLeads() {
  server.use(
    http.get('/api/reddit/leads', ({ request }) => {
      leadReads.push(request.url);
      const query = parseLeadsQuery(Object.fromEntries(new URL(request.url).searchParams));
      return HttpResponse.json(pageOfLeads(stored, query));
    }),
    http.get('/api/reddit/metrics', () => HttpResponse.json(leadMetrics(stored, 0, Date.now()))),
    http.get('/api/reddit/subreddits', () => HttpResponse.json({ subreddits: [], discoveredAt: null })),
  );
}

function renderPage() {
  const queryClient = createTestQueryClient();
  const invalidator = createQueryInvalidator(queryClient);
  cleanups.push(subscribeTaskChanges(invalidator.onChanges), invalidator.dispose);
  return renderWithProviders(<RedditPage />, { queryClient, route: '/reddit' });
}

/** Every version of one simulated search, rows included, exactly as server and mocks make them. */
function searchScript(id = 't_searchscript01') {
  return taskScript({ id, ownerId: 'alice', type: 'reddit_leads', createdAt: Date.UTC(2025, 0, 1, 12) });
}

function push(task: Task) {
  act(() => {
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
  });
}

const rowCount = () => Number(screen.queryByTestId('leads-table')?.getAttribute('data-rows') ?? 0);

describe('RedditPage', () => {
  beforeEach(() => {
    stored = [];
    leadReads = [];
    resetLiveLeads();
    serveLeads();
  });
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('shows the empty state, and "Find More Leads" starts a search without losing focus', async () => {
    const user = userEvent.setup();
    const [started] = searchScript();
    server.use(http.post('/api/tasks', () => HttpResponse.json({ task: started?.task }, { status: 202 })));
    renderPage();
    const empty = await screen.findByTestId('leads-empty');
    expect(within(empty).getByText('No leads yet')).toBeInTheDocument();
    const button = within(empty).getByRole('button', { name: 'Find More Leads' });
    await user.click(button);
    expect(await within(empty).findByRole('button', { name: 'Finding…' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    expect(document.activeElement).toBe(within(empty).getByRole('button', { name: 'Finding…' }));
    expect(screen.getByTestId('leads-progress')).toHaveTextContent('Step 0 of 10');
  });

  it('adds each batch’s rows in the same render as its progress event, with no refetch per batch', async () => {
    renderPage();
    await screen.findByTestId('leads-empty');
    const script = searchScript();
    let expected = 0;
    const readsBefore = leadReads.length;
    for (const entry of script) {
      push(entry.task);
      const batch = leadBatchOf(entry.task);
      if (batch === null) continue;
      // The rows are there synchronously after the event: no request, no timer in between.
      expected += batch.length;
      stored.push(...batch);
      expect(rowCount()).toBe(expected);
      for (const lead of batch) {
        expect(document.querySelector(`[data-lead-id="${lead.id}"]`)).toHaveAttribute('data-new', 'true');
      }
      const panel = screen.getByTestId('leads-progress');
      expect(panel).toHaveTextContent(`Step ${entry.task.progress.current} of 10`);
      expect(within(panel).getByTestId('leads-query')).toHaveTextContent(String(entry.task.data?.query));
      expect(within(panel).getByTestId('leads-so-far')).toHaveTextContent(String(expected));
    }
    // At most one read: the one a search starting on an open page asks for (nothing per batch).
    expect(leadReads.length - readsBefore).toBeLessThanOrEqual(1);
    const done = script.at(-1)?.task;
    expect(done?.status).toBe('completed');
    expect(done?.message).toBe(`Completed! ${expected} leads found`);
    expect(screen.getByTestId('leads-progress')).toHaveTextContent(`Completed! ${expected} leads found`);
    // The registry's keys refresh once on completion: the summary counts the stored rows.
    await waitFor(() => expect(screen.getByTestId('metric-total')).toHaveTextContent(String(expected)));
    expect(rowCount()).toBe(expected);
  });

  it('sorts by score and filters by subreddit through the leads query', async () => {
    const user = userEvent.setup();
    for (const entry of searchScript('t_storedsearch01')) stored.push(...(leadBatchOf(entry.task) ?? []));
    renderPage();
    await screen.findByTestId('leads-table');
    expect(rowCount()).toBe(stored.length);
    await user.selectOptions(screen.getByLabelText('Sort by'), 'score');
    await screen.findByText(/highest score first/);
    const scores = [...document.querySelectorAll('[data-lead-id]')].map((row) =>
      Number(row.querySelectorAll('td')[2]?.textContent),
    );
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const subreddit = stored[0]?.subreddit ?? '';
    await user.click(
      within(screen.getByTestId('subreddit-chips')).getByRole('button', { name: `r/${subreddit}` }),
    );
    await screen.findByText(new RegExp(`from r/${subreddit}`));
    expect(rowCount()).toBe(stored.filter((l) => l.subreddit === subreddit).length);
    expect(leadReads.at(-1)).toContain(`subreddit=${subreddit}`);
  });
});
