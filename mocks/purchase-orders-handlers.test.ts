/** The purchase-order routes in MSW answer as the server does: same CSV rules, script and errors. */
import { describe, expect, it } from 'vitest';
import {
  errorBodySchema,
  listPurchaseOrdersResponseSchema,
  purchaseOrderDetailResponseSchema,
  startedPurchaseOrderResponseSchema,
} from '../protocol';
import { mockBackend } from './node';
import { api } from './stream-recorder';
import { setUpMockServer } from './test-server';

const csv = 'sku,description,quantity,unit_price\nA-1,Green tea,4,2.50\nA-2,"Mug, blue",2,8\n';
const mocks = setUpMockServer();

const upload = (body: string, query = '', contentType = 'text/csv') =>
  api(`/api/purchase-orders${query}`, { method: 'POST', body, headers: { 'content-type': contentType } });

async function started(res: Response) {
  expect(res.status).toBe(202);
  return startedPurchaseOrderResponseSchema.parse(await res.json());
}

describe('purchase order mocks', () => {
  it('runs an upload through the three stages in the PO’s own numbers', async () => {
    mockBackend.reset({ timeScale: 50 });
    const { purchaseOrder, task } = await started(await upload(csv, '?supplier=Acme&poNumber=PO-9'));
    expect(purchaseOrder).toMatchObject({ itemCount: 2, totalCents: 4 * 250 + 2 * 800, supplier: 'Acme' });
    const r = mocks.record('/api/events');
    await r.until(() => r.tasks[task.id]?.status === 'completed', 5000, 'completed');
    const messages = r.taskEvents().map((e) => e.data.task.message);
    expect(messages).toEqual(expect.arrayContaining(['Parsed 2 line items', 'Synced 2 products to Shopify']));
    const list = listPurchaseOrdersResponseSchema.parse(await (await api('/api/purchase-orders')).json());
    expect(list.purchaseOrders[0]?.task?.status).toBe('completed');
    const detail = purchaseOrderDetailResponseSchema.parse(
      await (await api(`/api/purchase-orders/${purchaseOrder.id}`)).json(),
    );
    expect(detail.purchaseOrder.lineItems.map((i) => i.description)).toEqual(['Green tea', 'Mug, blue']);
  });

  it('fails in database_save under `failure` and lets a retry through', async () => {
    mockBackend.reset({ timeScale: 50, failAt: 'database_save' });
    const { purchaseOrder, task } = await started(await upload(csv));
    const r = mocks.record('/api/events');
    await r.until(() => r.tasks[task.id]?.status === 'failed', 5000, 'failed');
    expect(r.tasks[task.id]?.stage).toBe('database_save');
    const retry = await started(
      await api(`/api/purchase-orders/${purchaseOrder.id}/retry`, { method: 'POST' }),
    );
    await r.until(() => r.tasks[retry.task.id]?.status === 'completed', 5000, 'the retry completed');
    expect(retry.purchaseOrder.attempts).toBe(2);
  });

  it('refuses bad files and foreign ids as the server does', async () => {
    mockBackend.reset();
    const bad = await upload('sku,description,quantity,unit_price\nA-1,Tea,x,1\n');
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(await bad.json()).error.message).toMatch(/line 2, column 3/);
    expect((await upload('{}', '', 'application/json')).status).toBe(415);
    const { purchaseOrder } = await started(await upload(csv));
    await api('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'bob', password: 'demo' }),
    });
    const foreign = await api(`/api/purchase-orders/${purchaseOrder.id}`);
    const unknown = await api('/api/purchase-orders/po_unknownunknown00');
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual(await unknown.json());
  });
});
