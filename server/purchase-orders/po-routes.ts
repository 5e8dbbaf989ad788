import cookieParser from 'cookie-parser';
import { parse } from 'csv-parse/sync';
import express, { type Request, Router } from 'express';
import {
  checkRetryable,
  type ListPurchaseOrdersResponse,
  newPurchaseOrder,
  type PurchaseOrderDetail,
  type PurchaseOrderDetailResponse,
  parsePurchaseOrderId,
  purchaseOrderEntry,
  purchaseOrderLimits,
  purchaseOrderNotFound,
  purchaseOrderScript,
  readPurchaseOrderUpload,
  type StartedPurchaseOrderResponse,
  type Task,
} from '../../protocol';
import { identityOf, requireUser } from '../auth/authenticate';
import type { AppServices } from '../services';
import { newPurchaseOrderId, PurchaseOrderStore } from './po-store';

/**
 * Purchase orders (seed 004). Mounted before the app's JSON-only body check: the upload's body is
 * the CSV itself (`text/csv`, up to 1 MB), parsed here by its own parser and nowhere else, so the
 * app's 16 kB JSON limit stays as it is for every other route.
 */
export function purchaseOrderRoutes(s: AppServices): Router {
  const router = Router();
  const store = new PurchaseOrderStore(s.redis.commands);
  router.use('/api/purchase-orders', cookieParser(), requireUser(s.tokens));

  async function latestTask(userId: string, po: PurchaseOrderDetail): Promise<Task | null> {
    const found = await s.store.get(po.taskId);
    return found && found.task.ownerId === userId ? found.task : null;
  }

  async function ownPurchaseOrder(req: Request): Promise<PurchaseOrderDetail> {
    const po = await store.get(identityOf(req).userId, parsePurchaseOrderId(req.params.id));
    if (!po) throw purchaseOrderNotFound();
    return po;
  }

  /** Starts an attempt of `po` on the simulated worker, told in the PO's own numbers. */
  async function startAttempt(userId: string, po: PurchaseOrderDetail, failAt?: string): Promise<Task> {
    const task = await s.tracker.create({ ownerId: userId, type: 'po_processing', trigger: 'manual' });
    s.runner.run(task, {}, purchaseOrderScript(po, failAt));
    return task;
  }

  router.post(
    '/api/purchase-orders',
    express.text({ type: 'text/csv', limit: purchaseOrderLimits.maxBytes }),
    async (req, res) => {
      const userId = identityOf(req).userId;
      const now = new Date();
      const csv = typeof req.body === 'string' ? req.body : '';
      const { upload, lineItems } = readPurchaseOrderUpload(
        { isCsv: Boolean(req.is('text/csv')), query: req.query, csv },
        parse,
        now,
      );
      const id = newPurchaseOrderId();
      // The task id is needed in the record, so the record is written right after the task.
      const draft = newPurchaseOrder({ id, taskId: 'pending', upload, lineItems }, now);
      const task = await startAttempt(userId, draft, upload.failAt);
      const po = { ...draft, taskId: task.id };
      await store.save(userId, po);
      const body: StartedPurchaseOrderResponse = purchaseOrderEntry(po, task);
      res.status(202).json(body);
    },
  );

  router.get('/api/purchase-orders', async (req, res) => {
    const userId = identityOf(req).userId;
    const pos = await store.list(userId);
    const tasks = await Promise.all(pos.map((po) => latestTask(userId, po)));
    const body: ListPurchaseOrdersResponse = {
      purchaseOrders: pos.map((po, i) => purchaseOrderEntry(po, tasks[i] ?? null)),
    };
    res.json(body);
  });

  router.get('/api/purchase-orders/:id', async (req, res) => {
    const po = await ownPurchaseOrder(req);
    const body: PurchaseOrderDetailResponse = {
      purchaseOrder: po,
      task: await latestTask(identityOf(req).userId, po),
    };
    res.json(body);
  });

  router.post('/api/purchase-orders/:id/retry', async (req, res) => {
    const userId = identityOf(req).userId;
    const po = await ownPurchaseOrder(req);
    checkRetryable((await latestTask(userId, po))?.status);
    const task = await startAttempt(userId, po);
    const next = await store.startedAttempt(userId, po, task.id);
    const body: StartedPurchaseOrderResponse = purchaseOrderEntry(next, task);
    res.status(202).json(body);
  });

  return router;
}
