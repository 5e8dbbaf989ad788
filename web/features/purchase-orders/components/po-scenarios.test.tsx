/**
 * The Purchase orders page on the mock scenarios: MSW in Node answers the upload, the list and the
 * stream with the scenario's behaviour; the real stream runtime fills the real store. A person
 * uploads a CSV and sees the PO end as the scenario says, whatever the connection does.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockBackend, server as mockServer, NodeEventSource, runScenario } from '../../../../mocks/node';
import type { ScenarioName } from '../../../../mocks/scenario-catalog';
import { setSignedIn } from '../../../stores/session-store';
import { subscribeTaskChanges } from '../../../stores/task-store';
import { createQueryInvalidator } from '../../../stream/query-invalidator';
import type { EventSourceLike } from '../../../stream/stream-client';
import { StreamRuntime } from '../../../stream/stream-runtime';
import { server as webServer } from '../../../test/msw-server';
import { createTestQueryClient } from '../../../test/render';
import { resetPoFeed } from '../feed/feed-store';
import { PurchaseOrdersPage } from './purchase-orders-page';

const stops: Array<() => void> = [];
/** The web tests' own MSW server steps aside while the scenario handlers answer, and back after. */
function handOver(from: { close(): void }, to: { listen(options: { onUnhandledRequest: 'error' }): void }) {
  from.close();
  to.listen({ onUnhandledRequest: 'error' });
}
beforeAll(() => handOver(webServer, mockServer));
afterAll(() => handOver(mockServer, webServer));
afterEach(() => {
  for (const stop of stops.splice(0).reverse()) stop();
  mockBackend.stop();
  resetPoFeed();
});

function showPage(scenario: ScenarioName): void {
  runScenario(scenario, { timeScale: 10 });
  const queryClient = createTestQueryClient();
  const invalidator = createQueryInvalidator(queryClient);
  stops.push(subscribeTaskChanges(invalidator.onChanges), invalidator.dispose);
  const runtime = new StreamRuntime({
    locks: null,
    createChannel: null,
    refreshSession: async () => undefined,
    client: {
      createEventSource: (url) => new NodeEventSource(url) as unknown as EventSourceLike,
      baseDelayMs: 100,
      maxDelayMs: 400,
      pollAfterMs: 300,
      pollIntervalMs: 400,
    },
  });
  // The scenario signs alice in; the page is shown signed in, as the app's shell would.
  setSignedIn({ id: 'alice', name: 'alice' });
  runtime.start();
  stops.push(() => runtime.stop());
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/purchase-orders']}>
        <PurchaseOrdersPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function uploadSample(): Promise<HTMLElement> {
  const user = userEvent.setup();
  const csv = 'sku,description,quantity,unit_price\nA-1,Green tea,4,2.50\nA-2,Mug,2,8\n';
  await user.type(screen.getByLabelText(/PO number/), 'PO-SCENARIO');
  await user.upload(
    screen.getByLabelText('Purchase order CSV file'),
    new File([csv], 'po.csv', { type: 'text/csv' }),
  );
  await user.click(screen.getByRole('button', { name: 'Upload PO' }));
  return screen.findByTestId('po-card');
}

describe('Purchase orders page on the mock scenarios', () => {
  it.each<ScenarioName>(['happy', 'burst', 'flaky-network', 'server-down'])(
    '%s: an uploaded PO goes through to completed',
    async (scenario) => {
      showPage(scenario);
      const card = await uploadSample();
      expect(card).toHaveTextContent('2 line items');
      await expect.poll(() => card.dataset.status, { timeout: 8000, interval: 50 }).toBe('completed');
      expect(card.querySelectorAll('[data-state="done"]')).toHaveLength(3);
    },
  );

  it('failure: the PO stops in database_save and the feed offers Retry', async () => {
    showPage('failure');
    const card = await uploadSample();
    await expect.poll(() => card.dataset.status, { timeout: 8000, interval: 50 }).toBe('failed');
    expect(card.querySelector('[data-stage="database_save"]')).toHaveAttribute('data-state', 'failed');
    const feed = await screen.findByTestId('po-feed');
    expect(
      await within(feed).findByRole('button', { name: 'Retry PO-SCENARIO' }, { timeout: 3000 }),
    ).toBeEnabled();
  });
});
