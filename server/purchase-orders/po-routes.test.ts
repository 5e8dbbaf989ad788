import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listPurchaseOrdersResponseSchema,
  purchaseOrderDetailResponseSchema,
  startedPurchaseOrderResponseSchema,
} from '../../protocol';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

const sampleCsv = [
  'sku,description,quantity,unit_price',
  'NW-1001,Organic green tea 250 g,24,6.50',
  '"NW-1002","Ceramic mug, 350 ml",12,"$4.25"',
  'NW-1003,Bamboo tea whisk,5,18',
].join('\n');

describe.each(backendsWithCluster)('purchase order routes (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const upload = (user: string, csv: string, query = '', contentType = 'text/csv') =>
    server.api(`/api/purchase-orders${query}`, {
      as: user,
      body: csv,
      headers: { 'content-type': contentType },
    });

  /** Uploads and follows the user's stream from before the upload until the PO's task ends. */
  async function uploadAndFollow(user: string, query = '') {
    const cursor = (await server.api('/api/tasks', { as: user })).json.cursor;
    const stream = await SseClient.open(`${server.url}/api/events?lastEventId=${cursor}`, {
      token: await server.tokenFor(user),
    });
    const res = await upload(user, sampleCsv, query);
    expect(res.status).toBe(202);
    const started = startedPurchaseOrderResponseSchema.parse(res.json);
    await stream.until(
      (evs) =>
        evs.some(
          (e) => (e.event === 'completed' || e.event === 'failed') && e.json.task.id === started.task.id,
        ),
      10_000,
      'the end of the PO task',
    );
    stream.close();
    const messages = stream.taskEvents.map((e) => e.json.task.message as string);
    return { started, stream, messages };
  }

  describe('POST /api/purchase-orders', () => {
    it('starts po_processing whose stages speak of the uploaded line items', async () => {
      const user = uniqueUser();
      const { started, stream, messages } = await uploadAndFollow(user, '?supplier=Northwind&poNumber=PO-77');
      expect(started.purchaseOrder).toMatchObject({
        poNumber: 'PO-77',
        supplier: 'Northwind',
        itemCount: 3,
        totalCents: 24 * 650 + 12 * 425 + 5 * 1800,
        attempts: 1,
      });
      expect(messages).toEqual(
        expect.arrayContaining(['Parsed 3 line items', 'Saved 3 line items', 'Synced 3 products to Shopify']),
      );
      const stages = stream.taskEvents.map((e) => e.json.task.stage).filter(Boolean);
      expect([...new Set(stages)]).toEqual(['ai_parsing', 'database_save', 'shopify_sync']);
      const completed = stream.named('completed')[0]!.json.task;
      expect(completed.result).toMatchObject({ lineItems: 3, poId: started.purchaseOrder.id });
    });

    it('fails in database_save when failAt asks, and a retry starts a new attempt', async () => {
      const user = uniqueUser();
      const { started, stream } = await uploadAndFollow(user, '?failAt=database_save');
      const failed = stream.named('failed')[0]!.json.task;
      expect(failed.data.poId).toBe(started.purchaseOrder.id);
      expect(failed.error).toMatch(/timeout/i);
      expect(failed.stage).toBe('database_save');

      const retry = await server.api(`/api/purchase-orders/${started.purchaseOrder.id}/retry`, {
        as: user,
        method: 'POST',
      });
      expect(retry.status).toBe(202);
      const again = startedPurchaseOrderResponseSchema.parse(retry.json);
      expect(again.purchaseOrder.attempts).toBe(2);
      expect(again.task.id).not.toBe(started.task.id);
      const twice = await server.api(`/api/purchase-orders/${started.purchaseOrder.id}/retry`, {
        as: user,
        method: 'POST',
      });
      expect(twice.status).toBe(409);
    });

    it.each([
      [
        'a row with a missing column',
        'sku,description,quantity,unit_price\nA-1,Tea,2,1.00\nA-2,Mug,3',
        /line 3: expected 4 columns/,
      ],
      [
        'a quantity that is not a whole number',
        'sku,description,quantity,unit_price\nA-1,Tea,two,1.00',
        /line 2, column 3 \(quantity\)/,
      ],
      [
        'a bad price',
        'sku,description,quantity,unit_price\nA-1,Tea,2,1.005',
        /line 2, column 4 \(unit_price\)/,
      ],
      [
        'a wrong header',
        'item,description,quantity,unit_price\nA-1,Tea,2,1.00',
        /line 1, column 1: expected the header "sku"/,
      ],
      ['an unclosed quote', 'sku,description,quantity,unit_price\nA-1,"Tea,2,1.00', /invalid-csv|quote/i],
      ['a header only', 'sku,description,quantity,unit_price\n', /no line items/],
    ])('answers 400 naming the line and column for %s, and starts nothing', async (_what, csv, message) => {
      const user = uniqueUser();
      const res = await upload(user, csv);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid-csv');
      expect(`${res.json.error.code} ${res.json.error.message}`).toMatch(message);
      expect((await server.api('/api/purchase-orders', { as: user })).json.purchaseOrders).toEqual([]);
      expect((await server.api('/api/tasks', { as: user })).json.tasks).toEqual([]);
    });

    it('answers 413 for a file over 1 MB and for more than 2,000 line items', async () => {
      const user = uniqueUser();
      const row = `SKU-1,${'x'.repeat(190)},1,1.00\n`;
      const huge = `sku,description,quantity,unit_price\n${row.repeat(5600)}`;
      expect((await upload(user, huge)).status).toBe(413);
      const many = `sku,description,quantity,unit_price\n${'S-1,Tea,1,1\n'.repeat(2001)}`;
      const res = await upload(user, many);
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('too-many-line-items');
    });

    it('answers 415 for a body that is not CSV, 400 for a bad query, 401 without a session', async () => {
      const user = uniqueUser();
      expect((await upload(user, '{"sku":1}', '', 'application/json')).status).toBe(415);
      const badQuery = await upload(user, sampleCsv, '?failAt=nowhere');
      expect(badQuery.status).toBe(400);
      expect(badQuery.json.error.code).toBe('unknown-stage');
      expect((await upload(user, sampleCsv, '?poNumber=%3Cscript%3E')).status).toBe(400);
      const anonymous = await server.api('/api/purchase-orders', {
        body: sampleCsv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(anonymous.status).toBe(401);
      expect((await server.api('/api/purchase-orders', { as: user })).json.purchaseOrders).toEqual([]);
    });
  });

  describe('GET /api/purchase-orders', () => {
    it('lists the user’s POs newest first with their tasks, and shows one with its line items', async () => {
      const user = uniqueUser();
      const first = startedPurchaseOrderResponseSchema.parse(
        (await upload(user, sampleCsv, '?poNumber=PO-1')).json,
      );
      const second = startedPurchaseOrderResponseSchema.parse(
        (await upload(user, sampleCsv, '?poNumber=PO-2')).json,
      );
      const list = listPurchaseOrdersResponseSchema.parse(
        (await server.api('/api/purchase-orders', { as: user })).json,
      );
      expect(list.purchaseOrders.map((e) => e.purchaseOrder.poNumber)).toEqual(['PO-2', 'PO-1']);
      expect(list.purchaseOrders[0]!.task?.id).toBe(second.task.id);

      const detail = await server.api(`/api/purchase-orders/${first.purchaseOrder.id}`, { as: user });
      expect(detail.status).toBe(200);
      const { purchaseOrder } = purchaseOrderDetailResponseSchema.parse(detail.json);
      expect(purchaseOrder.lineItems.map((i) => i.sku)).toEqual(['NW-1001', 'NW-1002', 'NW-1003']);
      expect(purchaseOrder.lineItems[1]).toMatchObject({
        description: 'Ceramic mug, 350 ml',
        unitPriceCents: 425,
      });
    });

    it('answers another user’s PO exactly as an unknown one, and 400 for a malformed id', async () => {
      const owner = uniqueUser();
      const { purchaseOrder } = startedPurchaseOrderResponseSchema.parse(
        (await upload(owner, sampleCsv)).json,
      );
      const other = uniqueUser();
      const foreign = await server.api(`/api/purchase-orders/${purchaseOrder.id}`, { as: other });
      const unknown = await server.api('/api/purchase-orders/po_unknownunknown00', { as: other });
      expect(foreign.status).toBe(404);
      expect(foreign.json).toEqual(unknown.json);
      const retry = await server.api(`/api/purchase-orders/${purchaseOrder.id}/retry`, {
        as: other,
        method: 'POST',
      });
      expect(retry.status).toBe(404);
      expect((await server.api('/api/purchase-orders/not-an-id!', { as: other })).status).toBe(400);
    });
  });
});
