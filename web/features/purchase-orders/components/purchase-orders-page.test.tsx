import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListPurchaseOrdersResponse, PurchaseOrder, Task } from '../../../../protocol';
import { applyTaskOps } from '../../../stores/task-store';
import { advance, finish, makeTask } from '../../../test/factories';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { resetPoFeed } from '../feed/feed-store';
import { PurchaseOrdersPage } from './purchase-orders-page';

afterEach(() => resetPoFeed());

const csv = 'sku,description,quantity,unit_price\nA-1,Tea,2,1.50\n';

function poFor(task: Task, attempts = 1): PurchaseOrder {
  return {
    id: 'po_abcdefgh1234',
    poNumber: 'PO-42',
    supplier: 'Northwind',
    fileName: 'po-42.csv',
    itemCount: 1,
    totalCents: 300,
    createdAt: task.createdAt,
    taskId: task.id,
    attempts,
  };
}

/** The server side: an empty list, uploads and retries answered 202 with a new task each. */
function acceptUploads() {
  const seen: { url: URL; contentType: string | null; body: string }[] = [];
  const started: Task[] = [];
  const start = async (request: Request, attempts: number) => {
    seen.push({
      url: new URL(request.url),
      contentType: request.headers.get('content-type'),
      body: await request.text(),
    });
    const task = makeTask({
      type: 'po_processing',
      status: 'running',
      percent: 0,
      createdAt: new Date().toISOString(),
    });
    started.push(task);
    return HttpResponse.json({ purchaseOrder: poFor(task, attempts), task }, { status: 202 });
  };
  server.use(
    http.get('/api/purchase-orders', () =>
      HttpResponse.json({ purchaseOrders: [] } satisfies ListPurchaseOrdersResponse),
    ),
    http.post('/api/purchase-orders', ({ request }) => start(request, 1)),
    http.post('/api/purchase-orders/:id/retry', ({ request }) => start(request, 2)),
  );
  return { seen, started };
}

function push(task: Task): Task {
  act(() => {
    applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
  });
  return task;
}

const data = { poId: 'po_abcdefgh1234', poNumber: 'PO-42', supplier: 'Northwind', lineItems: 1 };
const stageStates = () =>
  within(screen.getByTestId('po-card'))
    .getAllByRole('listitem')
    .map((li) => li.getAttribute('data-state'));

describe('PurchaseOrdersPage', () => {
  it('uploads the chosen CSV as text/csv and shows the PO going through its stages in the feed', async () => {
    const user = userEvent.setup();
    const { seen, started } = acceptUploads();
    renderWithProviders(<PurchaseOrdersPage />, { route: '/purchase-orders' });
    await screen.findByText(/No purchase orders yet/);

    await user.type(screen.getByLabelText('Supplier'), 'Northwind');
    await user.upload(
      screen.getByLabelText('Purchase order CSV file'),
      new File([csv], 'po-42.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Upload PO' }));
    await screen.findByText('PO-42: 1 line items accepted, processing started.');
    expect(seen[0]).toMatchObject({ contentType: 'text/csv', body: csv });
    expect(seen[0]?.url.searchParams.get('supplier')).toBe('Northwind');
    expect(seen[0]?.url.searchParams.get('fileName')).toBe('po-42.csv');
    expect(stageStates()).toEqual(['waiting', 'waiting', 'waiting']);

    let task = started[0]!;
    task = push(advance(task, { percent: 40, stage: 'ai_parsing', message: 'Parsed 1 line items', data }));
    expect(stageStates()).toEqual(['running', 'waiting', 'waiting']);
    task = push(
      advance(task, { percent: 50, stage: 'database_save', message: 'Saving purchase order PO-42...' }),
    );
    expect(stageStates()).toEqual(['done', 'running', 'waiting']);
    push(
      finish(task, 'completed', {
        stage: 'shopify_sync',
        message: 'Completed! 1 line items synced to Shopify',
      }),
    );
    expect(stageStates()).toEqual(['done', 'done', 'done']);

    const feed = screen.getByTestId('po-feed');
    const kinds = () =>
      within(feed)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('data-kind'));
    // Completion came straight from database_save: both stages still get their "done" line. Lines
    // this close together commit in one window, so they may take a moment to show.
    await waitFor(() => expect(kinds()).toHaveLength(6));
    expect(kinds()).toEqual([
      'completed',
      'stage-completed',
      'stage-completed',
      'stage-started',
      'stage-completed',
      'stage-started',
    ]);
    for (const time of feed.querySelectorAll('time')) expect(time.textContent).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(within(feed).getByText(/Completed! 1 line items synced to Shopify/)).toBeInTheDocument();
    const completedCard = screen
      .getAllByTestId('pipeline-status-card')
      .find((c) => c.dataset.label === 'Completed');
    expect(completedCard).toHaveTextContent('1');
  });

  it('shows a stage failure as an error entry whose Retry starts the PO again', async () => {
    const user = userEvent.setup();
    const { started } = acceptUploads();
    renderWithProviders(<PurchaseOrdersPage />, { route: '/purchase-orders' });
    await user.upload(
      screen.getByLabelText('Purchase order CSV file'),
      new File([csv], 'po-42.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Upload PO' }));
    await screen.findByText(/accepted, processing started/);
    const task = push(
      advance(started[0]!, { percent: 40, stage: 'ai_parsing', message: 'Parsed 1 line items', data }),
    );
    push(
      finish(task, 'failed', { stage: 'database_save', error: 'Database connection timeout while saving.' }),
    );
    expect(stageStates()).toEqual(['done', 'failed', 'waiting']);

    const error = await waitFor(() => {
      const row = within(screen.getByTestId('po-feed'))
        .getAllByRole('listitem')
        .find((li) => li.dataset.kind === 'error');
      expect(row).toBeDefined();
      return row;
    });
    expect(error).toHaveTextContent('PO-42: Database connection timeout while saving.');
    await user.click(within(error!).getByRole('button', { name: 'Retry PO-42' }));
    await screen.findByText(/attempt 2/);
    expect(started).toHaveLength(2);
    expect(screen.getByTestId('po-card')).toHaveAttribute('data-status', 'running');
  });

  it('refuses a file that is not CSV before sending anything, and shows the server’s line and column', async () => {
    const user = userEvent.setup({ applyAccept: false });
    const { seen } = acceptUploads();
    renderWithProviders(<PurchaseOrdersPage />, { route: '/purchase-orders' });
    await user.upload(
      screen.getByLabelText('Purchase order CSV file'),
      new File(['%PDF'], 'po.pdf', { type: 'application/pdf' }),
    );
    await user.click(screen.getByRole('button', { name: 'Upload PO' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('po.pdf is not a CSV file');
    expect(seen).toHaveLength(0);

    server.use(
      http.post('/api/purchase-orders', () =>
        HttpResponse.json(
          {
            error: { code: 'invalid-csv', message: 'line 2, column 3 (quantity): "x" is not a whole number' },
          },
          { status: 400 },
        ),
      ),
    );
    await user.upload(
      screen.getByLabelText('Purchase order CSV file'),
      new File([csv], 'po.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('button', { name: 'Upload PO' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('line 2, column 3 (quantity)');
    expect(screen.queryByTestId('po-card')).toBeNull();
  });
});
