/**
 * The purchase-order routes in MSW, over the shared `MockBackend`: the same CSV rules, PO records,
 * worker script and errors as the server (all from protocol/), with the POs kept in memory per
 * user. A backend reset (a new scenario) starts a new epoch, and with it an empty PO list.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { HttpResponse, http, type PathParams, type RequestHandler } from 'msw';
import {
  ContractError,
  checkRetryable,
  type ListPurchaseOrdersResponse,
  newPurchaseOrder,
  nextAttempt,
  type PurchaseOrderDetail,
  type PurchaseOrderDetailResponse,
  parsePurchaseOrderId,
  purchaseOrderEntry,
  purchaseOrderNotFound,
  purchaseOrderScript,
  purchaseOrdersPerUser,
  readPurchaseOrderUpload,
  type StartedPurchaseOrderResponse,
  type Task,
} from '../protocol';
import type { MockBackend } from './mock-backend';
import { randomId } from './mock-sessions';

interface PoState {
  epoch: string;
  byUser: Map<string, PurchaseOrderDetail[]>;
}
const states = new WeakMap<MockBackend, PoState>();

function stateOf(backend: MockBackend): PoState {
  let state = states.get(backend);
  if (!state || state.epoch !== backend.epoch) {
    state = { epoch: backend.epoch, byUser: new Map() };
    states.set(backend, state);
  }
  return state;
}

export function createPurchaseOrderHandlers(backend: MockBackend, apiBase: string): RequestHandler[] {
  const posOf = (userId: string): PurchaseOrderDetail[] => {
    const byUser = stateOf(backend).byUser;
    let list = byUser.get(userId);
    if (!list) {
      list = [];
      byUser.set(userId, list);
    }
    return list;
  };
  const taskOf = (userId: string, po: PurchaseOrderDetail): Task | null => {
    try {
      return backend.getTask(userId, po.taskId);
    } catch {
      return null;
    }
  };
  const ownPurchaseOrder = (userId: string, params: PathParams): PurchaseOrderDetail => {
    const id = parsePurchaseOrderId(params.id);
    const po = posOf(userId).find((p) => p.id === id);
    if (!po) throw purchaseOrderNotFound();
    return po;
  };
  const startAttempt = (userId: string, po: PurchaseOrderDetail, failAt: string | null | undefined): Task =>
    backend.createTask(userId, { type: 'po_processing' }, purchaseOrderScript(po, failAt));

  const rest =
    (fn: (info: { request: Request; params: PathParams }) => Promise<Response> | Response) =>
    async (info: { request: Request; params: PathParams }): Promise<Response> => {
      await backend.latency();
      try {
        return await fn(info);
      } catch (err) {
        if (err instanceof ContractError)
          return HttpResponse.json(err.body, { status: err.status, headers: err.headers });
        throw err;
      }
    };

  return [
    http.post(
      `${apiBase}/purchase-orders`,
      rest(async ({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const now = new Date(backend.clock.now());
        const { upload, lineItems } = readPurchaseOrderUpload(
          {
            isCsv: (request.headers.get('content-type') ?? '').startsWith('text/csv'),
            query: Object.fromEntries(new URL(request.url).searchParams),
            csv: await request.text(),
          },
          parse,
          now,
        );
        const draft = newPurchaseOrder(
          { id: `po_${randomId(12)}`, taskId: 'pending', upload, lineItems },
          now,
        );
        const task = startAttempt(userId, draft, upload.failAt ?? backend.config.failAt);
        const po = { ...draft, taskId: task.id };
        const list = posOf(userId);
        list.unshift(po);
        list.splice(purchaseOrdersPerUser.kept);
        const body: StartedPurchaseOrderResponse = purchaseOrderEntry(po, task);
        return HttpResponse.json(body, { status: 202 });
      }),
    ),
    http.get(
      `${apiBase}/purchase-orders`,
      rest(({ request }) => {
        const userId = backend.sessions.authenticate(request);
        const body: ListPurchaseOrdersResponse = {
          purchaseOrders: posOf(userId)
            .slice(0, purchaseOrdersPerUser.listed)
            .map((po) => purchaseOrderEntry(po, taskOf(userId, po))),
        };
        return HttpResponse.json(body);
      }),
    ),
    http.get(
      `${apiBase}/purchase-orders/:id`,
      rest(({ request, params }) => {
        const userId = backend.sessions.authenticate(request);
        const po = ownPurchaseOrder(userId, params);
        const body: PurchaseOrderDetailResponse = { purchaseOrder: po, task: taskOf(userId, po) };
        return HttpResponse.json(body);
      }),
    ),
    http.post(
      `${apiBase}/purchase-orders/:id/retry`,
      rest(({ request, params }) => {
        const userId = backend.sessions.authenticate(request);
        const po = ownPurchaseOrder(userId, params);
        checkRetryable(taskOf(userId, po)?.status);
        // A retry stands for the person having fixed the cause, so even `failure` lets it through.
        const task = startAttempt(userId, po, null);
        const next = nextAttempt(po, task.id);
        const list = posOf(userId);
        list.splice(list.indexOf(po), 1, next);
        const body: StartedPurchaseOrderResponse = purchaseOrderEntry(next, task);
        return HttpResponse.json(body, { status: 202 });
      }),
    ),
  ];
}
