import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommunitiesResponse, Task } from '../../../../protocol';
import { applyTaskOps, subscribeTaskChanges } from '../../../stores/task-store';
import { createQueryInvalidator } from '../../../stream/query-invalidator';
import { advance, finish, makeTask } from '../../../test/factories';
import { communitiesV0 } from '../../../test/handlers';
import { server } from '../../../test/msw-server';
import { createTestQueryClient, renderWithProviders } from '../../../test/render';
import { CommunitiesPage } from './communities-page';

const rebuilt: CommunitiesResponse = {
  communities: [
    { id: 'c1-1', name: 'Search Relevance', summary: '48 entities', members: 48, edges: 104 },
    { id: 'c1-2', name: 'Mobile App', summary: '67 entities', members: 67, edges: 140 },
    { id: 'c1-3', name: 'Data Pipelines', summary: '86 entities', members: 86, edges: 87 },
  ],
  generation: 1,
  rebuiltAt: '2025-01-01T12:00:10.000Z',
};

function renderPage() {
  const queryClient = createTestQueryClient();
  const invalidator = createQueryInvalidator(queryClient);
  cleanups.push(subscribeTaskChanges(invalidator.onChanges), invalidator.dispose);
  return renderWithProviders(<CommunitiesPage />, { queryClient, route: '/communities' });
}

const cleanups: Array<() => void> = [];

/** The server side of a rebuild: POST answers 202 with the new task. */
function acceptRebuilds(): { started: Task[] } {
  const started: Task[] = [];
  server.use(
    http.post('/api/tasks', async ({ request }) => {
      const body = (await request.json()) as { type?: string };
      if (body.type !== 'rebuild_communities') return HttpResponse.json({}, { status: 400 });
      const task = makeTask({ type: 'rebuild_communities', status: 'running' });
      started.push(task);
      return HttpResponse.json({ task }, { status: 202 });
    }),
  );
  return { started };
}

function push(task: Task) {
  act(() => {
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
  });
}

describe('CommunitiesPage', () => {
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('shows the communities table from GET /api/communities', async () => {
    renderPage();
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(1 + communitiesV0.communities.length);
    expect(within(table).getByRole('rowheader', { name: 'Payments & Billing' })).toBeInTheDocument();
    expect(screen.getByText('2 communities · never rebuilt')).toBeInTheDocument();
  });

  it('rebuilds with live progress and refills the table when the task completes', async () => {
    const user = userEvent.setup();
    const { started } = acceptRebuilds();
    renderPage();
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Rebuild communities' }));

    const card = await screen.findByTestId('rebuild-task-card');
    expect(screen.getByRole('button', { name: 'Rebuilding…' })).toBeDisabled();
    const task = started[0];
    if (!task) throw new Error('no rebuild started');

    const detecting = advance(task, { percent: 30, message: 'Detecting communities...', stage: 'detecting' });
    push(detecting);
    const bar = within(card).getByRole('progressbar', { name: 'Rebuild progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '30');
    expect(within(card).getByTestId('rebuild-message')).toHaveTextContent('Detecting communities...');

    push(advance(detecting, { percent: 75, message: 'Summarizing 12 communities...' }));
    expect(bar).toHaveAttribute('aria-valuenow', '75');

    server.use(http.get('/api/communities', () => HttpResponse.json(rebuilt)));
    push(finish(detecting, 'completed', { version: detecting.version + 5 }));
    expect(await screen.findByText('Completed! 12 communities and 348 edges')).toBeInTheDocument();
    expect(screen.getByTestId('stat-communities')).toHaveTextContent('12');
    expect(screen.getByTestId('stat-edges')).toHaveTextContent('348');
    expect(await screen.findByRole('rowheader', { name: 'Search Relevance' })).toBeInTheDocument();
    expect(screen.queryByRole('rowheader', { name: 'Payments & Billing' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Rebuild communities' })).toBeEnabled();
  });

  it('shows the error of a failed rebuild and retries it', async () => {
    const user = userEvent.setup();
    const { started } = acceptRebuilds();
    renderPage();
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Rebuild communities' }));
    await screen.findByTestId('rebuild-task-card');
    const task = started[0];
    if (!task) throw new Error('no rebuild started');
    push(
      finish(task, 'failed', {
        error: 'Community detection failed: the graph database did not answer in time.',
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The rebuild failed');
    expect(alert).toHaveTextContent('the graph database did not answer in time');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(started).toHaveLength(2));
    expect(await screen.findByRole('button', { name: 'Rebuilding…' })).toBeDisabled();
  });

  it('says so when the rebuild cannot start', async () => {
    const user = userEvent.setup();
    server.use(
      http.post('/api/tasks', () =>
        HttpResponse.json({ error: { code: 'too-many', message: 'slow down' } }, { status: 429 }),
      ),
    );
    renderPage();
    await screen.findByRole('table');
    await user.click(screen.getByRole('button', { name: 'Rebuild communities' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not start the rebuild: slow down');
  });

  it('offers to try again when the table cannot load', async () => {
    const user = userEvent.setup();
    let calls = 0;
    server.use(
      http.get('/api/communities', () => {
        calls++;
        return calls === 1
          ? HttpResponse.json(
              { error: { code: 'internal', message: 'internal server error' } },
              { status: 500 },
            )
          : HttpResponse.json(communitiesV0);
      }),
    );
    renderPage();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load communities: internal server error');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
  });
});
