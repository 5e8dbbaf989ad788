import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { Route, Routes, useLocation } from 'react-router';
import { beforeEach, describe, expect, it } from 'vitest';
import { type RunsResponse, type Task, taskScript } from '../../../../protocol';
import { applyTaskOps } from '../../../stores/task-store';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { sharedClockTimers } from '../use-shared-now';
import { RunsPage } from './runs-page';

const minute = 60_000;
function runVersions(
  id: string,
  type: Task['type'],
  params: Record<string, string | boolean>,
  agoMs: number,
) {
  return taskScript({ id, ownerId: 'alice', type, createdAt: Date.now() - agoMs, params }).map((e) => e.task);
}
const passed = runVersions('t_list_passed1', 'test_run', { suite: 'checkout' }, 30 * minute).at(-1)!;
const failed = runVersions(
  't_list_failed1',
  'job_run',
  { job: 'payments', makeItFail: true },
  20 * minute,
).at(-1)!;
const runningVersions = runVersions('t_list_running', 'test_run', { suite: 'smoke' }, 10_000);
const running = runningVersions[3]!;

/** `GET /api/runs` answering from `runs` with the protocol's own filter; records each query string. */
function serveRuns(runs: Task[]): string[] {
  const seen: string[] = [];
  server.use(
    http.get('/api/runs', async ({ request }) => {
      const { parseRunsQuery, selectRuns } = await import('../../../../protocol');
      const search = new URL(request.url).search;
      seen.push(search);
      const body: RunsResponse = {
        runs: selectRuns(runs, parseRunsQuery(Object.fromEntries(new URL(request.url).searchParams))),
      };
      return HttpResponse.json(body);
    }),
  );
  return seen;
}

function Address() {
  const { search } = useLocation();
  return <output data-testid="address">{search}</output>;
}

function renderRuns(route = '/runs') {
  return renderWithProviders(
    <Routes>
      <Route
        path="/runs"
        element={
          <>
            <RunsPage />
            <Address />
          </>
        }
      />
    </Routes>,
    { route },
  );
}

const rows = () => within(screen.getByRole('list', { name: /runs/i })).getAllByRole('listitem');

describe('RunsPage', () => {
  beforeEach(() => {
    serveRuns([passed, failed]);
  });

  it('lists runs newest first with their badge, trigger, counts and report links', async () => {
    renderRuns();
    await screen.findByRole('link', { name: 'Payments monitor' });
    const [first, second] = rows();
    expect(within(first!).getByText('Failed')).toBeInTheDocument();
    expect(within(first!).getByText(/Job run · Manual · 2 passed, 1 failed of 3/)).toBeInTheDocument();
    expect(within(second!).getByText('Passed')).toBeInTheDocument();
    expect(within(second!).getByRole('link', { name: 'Report of Checkout flow' })).toHaveAttribute(
      'href',
      '/reports/test-runs/t_list_passed1/index.html',
    );
    expect(within(second!).getByRole('link', { name: 'Artifacts of Checkout flow' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Payments monitor' })).toHaveAttribute(
      'href',
      '/runs/t_list_failed1',
    );
  });

  it('shows a run from the live store at once and ticks every running row on one shared clock', async () => {
    const other = runVersions('t_list_second1', 'job_run', { job: 'nightly' }, 5000)[3]!;
    const { unmount } = renderRuns();
    await screen.findByRole('link', { name: 'Payments monitor' });
    act(() => void applyTaskOps([{ kind: 'tasks', tasks: [running, other] }]));
    expect(rows()).toHaveLength(4);
    expect(within(rows()[0]!).getByText('Running')).toBeInTheDocument();
    expect(sharedClockTimers()).toBe(1);
    act(() => void applyTaskOps([{ kind: 'tasks', tasks: [runningVersions.at(-1)!] }]));
    expect(
      within(screen.getByRole('link', { name: 'Smoke tests' }).closest('li')!).getByText('Passed'),
    ).toBeInTheDocument();
    expect(sharedClockTimers()).toBe(1);
    unmount();
    expect(sharedClockTimers()).toBe(0);
  });

  it('filters by kind and status through the address and the query', async () => {
    const user = userEvent.setup();
    const seen = serveRuns([passed, failed]);
    renderRuns();
    await screen.findByRole('link', { name: 'Payments monitor' });
    await user.selectOptions(screen.getByLabelText('Status'), 'passed');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByRole('link', { name: 'Checkout flow' })).toBeInTheDocument();
    expect(screen.getByTestId('address')).toHaveTextContent('?status=passed');
    await user.selectOptions(screen.getByLabelText('Kind'), 'job');
    expect(await screen.findByText('No runs match these filters')).toBeInTheDocument();
    expect(seen).toContain('?kind=job&status=passed');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
  });

  it('says so and shows every run when the address holds an unknown filter', async () => {
    const seen = serveRuns([passed, failed]);
    renderRuns('/runs?status=completed');
    expect(await screen.findByRole('alert')).toHaveTextContent('filter the runs list does not know');
    await screen.findByRole('link', { name: 'Payments monitor' });
    expect(seen).toEqual(['?kind=all&status=all']);
  });

  it('starts a failing job run from the form and gives focus back to its button', async () => {
    const user = userEvent.setup();
    let body: unknown;
    server.use(
      http.post('/api/tasks', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { task: runVersions('t_list_started', 'job_run', {}, 0)[0] },
          { status: 202 },
        );
      }),
    );
    renderRuns();
    const open = screen.getByRole('button', { name: 'Run job' });
    await user.click(open);
    expect(open).toHaveAttribute('aria-expanded', 'true');
    await user.selectOptions(screen.getByLabelText('Job'), 'release');
    await user.click(screen.getByLabelText('Make it fail (demo)'));
    await user.click(screen.getByRole('button', { name: 'Start job run' }));
    await waitFor(() => expect(open).toHaveFocus());
    expect(body).toEqual({ type: 'job_run', params: { job: 'release', makeItFail: true } });
    expect(screen.queryByRole('form', { name: 'Start job run' })).not.toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Job run' })).toHaveAttribute(
      'href',
      '/runs/t_list_started',
    );
  });

  it('shows the empty state with no runs', async () => {
    serveRuns([]);
    renderRuns();
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
  });
});
