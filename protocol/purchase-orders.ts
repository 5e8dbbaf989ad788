import { z } from 'zod';
import { ContractError, validationError } from './errors';
import { type Task, taskSchema } from './task';
import { failStepFor, parseCreateTaskBody, type ScriptedStep, stepScript } from './task-lifecycle';
import { getTaskType } from './task-types';
import { safeText } from './text';

/**
 * Purchase orders (seed 004): the CSV an upload may carry, the PO records the server keeps per
 * user, and the worker script built from a PO's own line items. The server and the mocks both call
 * these; each side brings only its CSV tokenizer (csv-parse), its storage and its transport.
 */

/** Limits of one upload: the body size (bytes) and the line items after the header row. */
export const purchaseOrderLimits = { maxBytes: 1024 * 1024, maxLineItems: 2000 } as const;

/** POs kept per user (the newest; older ones drop out), and how many of the newest a list shows. */
export const purchaseOrdersPerUser = { kept: 100, listed: 50 } as const;

/** The columns of the header row, in order (matched case-insensitively, spaces read as `_`). */
const csvColumns = ['sku', 'description', 'quantity', 'unit_price'] as const;
type CsvColumn = (typeof csvColumns)[number];

const poIdSchema = z.string().regex(/^po_[A-Za-z0-9_-]{8,40}$/, 'malformed purchase order id');

export const poLineItemSchema = z.object({
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/),
  description: safeText(200).pipe(z.string().min(1)),
  quantity: z.number().int().positive().max(1_000_000),
  unitPriceCents: z.number().int().nonnegative().max(100_000_000),
});
export type PoLineItem = z.infer<typeof poLineItemSchema>;

export const purchaseOrderSchema = z.object({
  id: poIdSchema,
  poNumber: z.string(),
  supplier: z.string(),
  fileName: z.string(),
  itemCount: z.number().int().nonnegative(),
  totalCents: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  /** The task of the latest attempt (a retry starts a new one). */
  taskId: z.string(),
  attempts: z.number().int().positive(),
});
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;

const purchaseOrderDetailSchema = purchaseOrderSchema.extend({ lineItems: z.array(poLineItemSchema) });
export type PurchaseOrderDetail = z.infer<typeof purchaseOrderDetailSchema>;

/** A PO as lists show it: the record and its latest task (null once the task has expired). */
const purchaseOrderEntrySchema = z.object({
  purchaseOrder: purchaseOrderSchema,
  task: taskSchema.nullable(),
});
export type PurchaseOrderEntry = z.infer<typeof purchaseOrderEntrySchema>;

/** `GET /api/purchase-orders`: the user's POs, newest first. */
export const listPurchaseOrdersResponseSchema = z.object({
  purchaseOrders: z.array(purchaseOrderEntrySchema),
});
export type ListPurchaseOrdersResponse = z.infer<typeof listPurchaseOrdersResponseSchema>;

/** `GET /api/purchase-orders/:id`: one PO with its line items. */
export const purchaseOrderDetailResponseSchema = z.object({
  purchaseOrder: purchaseOrderDetailSchema,
  task: taskSchema.nullable(),
});
export type PurchaseOrderDetailResponse = z.infer<typeof purchaseOrderDetailResponseSchema>;

/** `POST /api/purchase-orders` and `POST /api/purchase-orders/:id/retry`: 202 with the PO and its new task. */
export const startedPurchaseOrderResponseSchema = z.object({
  purchaseOrder: purchaseOrderSchema,
  task: taskSchema,
});
export type StartedPurchaseOrderResponse = z.infer<typeof startedPurchaseOrderResponseSchema>;

const uploadQuerySchema = z.strictObject({
  supplier: safeText(100).pipe(z.string().trim().min(1)).optional(),
  poNumber: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, 'letters, digits and . _ / - only, at most 40')
    .optional(),
  fileName: safeText(200).optional(),
  /** For demos and tests: a stage to fail in, as `POST /api/tasks` takes it. */
  failAt: z.string().optional(),
});
export type PurchaseOrderUpload = { supplier: string; poNumber: string; fileName: string; failAt?: string };

/** A PO id from the path: malformed → 400, unknown or another user's → the same 404. */
export function parsePurchaseOrderId(raw: unknown): string {
  const id = poIdSchema.safeParse(raw);
  if (!id.success) throw new ContractError('malformed-id', 'malformed purchase order id', 400);
  return id.data;
}

export const purchaseOrderNotFound = () => new ContractError('not-found', 'purchase order not found', 404);

const notCsv = () =>
  new ContractError('unsupported-media-type', 'upload the purchase order as text/csv', 415);

/**
 * An upload read in the contract's order: 415 unless the body is `text/csv`, then its query
 * (`parsePurchaseOrderUpload`), then the CSV (`parsePurchaseOrderCsv`).
 */
export function readPurchaseOrderUpload(
  body: { isCsv: boolean; query: unknown; csv: string },
  parse: CsvParse,
  uploadedAt: Date,
): { upload: PurchaseOrderUpload; lineItems: PoLineItem[] } {
  if (!body.isCsv) throw notCsv();
  const upload = parsePurchaseOrderUpload(body.query, uploadedAt);
  return { upload, lineItems: parsePurchaseOrderCsv(body.csv, parse) };
}

/**
 * The query of an upload (`?supplier=&poNumber=&fileName=&failAt=`): 400 `invalid-query` or
 * `unknown-stage`. A missing PO number comes from the file name, a missing supplier is "Unknown
 * supplier", so that a bare file upload is enough.
 */
export function parsePurchaseOrderUpload(query: unknown, uploadedAt: Date): PurchaseOrderUpload {
  const parsed = uploadQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw validationError(parsed.error, 'invalid-query');
  const { supplier, poNumber, fileName = 'purchase-order.csv', failAt } = parsed.data;
  if (failAt !== undefined) parseCreateTaskBody({ type: 'po_processing', params: { failAt } });
  return {
    supplier: supplier ?? 'Unknown supplier',
    poNumber: poNumber ?? poNumberFromFileName(fileName, uploadedAt),
    fileName,
    ...(failAt !== undefined ? { failAt } : {}),
  };
}

function poNumberFromFileName(fileName: string, at: Date): string {
  const stem = fileName
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._/-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40);
  return stem || `PO-${at.toISOString().slice(0, 10)}`;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/**
 * The options every side hands to csv-parse's sync `parse`: strict column count (a short or long
 * row is an error naming its line, never a silently shifted column), `info` for line numbers.
 */
const csvParseOptions = {
  bom: true,
  trim: true,
  skip_empty_lines: true,
  relax_column_count: false,
  relax_quotes: false,
  info: true,
  max_record_size: 8192,
} as const;

/** csv-parse's sync `parse`, injected so that protocol/ depends on zod alone. */
export type CsvParse = (input: string, options: typeof csvParseOptions) => unknown;

const parsedRecordsSchema = z.array(
  z.object({ record: z.array(z.string()), info: z.object({ lines: z.number().int() }) }),
);

const csvError = (message: string) => new ContractError('invalid-csv', message, 400);

/** Money in a CSV cell ("12.50", "$1,200", "3") as integer cents; null when it is not money. */
function centsOf(cell: string): number | null {
  const plain = cell.replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(plain)) return null;
  const [whole = '0', fraction = ''] = plain.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function lineItemOf(record: readonly string[], line: number): PoLineItem {
  const cell = (column: CsvColumn) => record[csvColumns.indexOf(column)] ?? '';
  const where = (column: CsvColumn) => `line ${line}, column ${csvColumns.indexOf(column) + 1} (${column})`;
  const sku = cell('sku');
  if (!poLineItemSchema.shape.sku.safeParse(sku).success)
    throw csvError(`${where('sku')}: "${sku.slice(0, 40)}" is not a SKU (letters, digits and . _ / -)`);
  const description = cell('description');
  if (!poLineItemSchema.shape.description.safeParse(description).success)
    throw csvError(`${where('description')}: a description of 1 to 200 characters on one line is required`);
  const quantityText = cell('quantity');
  const quantity = /^\d{1,7}$/.test(quantityText) ? Number(quantityText) : Number.NaN;
  if (!poLineItemSchema.shape.quantity.safeParse(quantity).success)
    throw csvError(
      `${where('quantity')}: "${quantityText.slice(0, 20)}" is not a whole number from 1 to 1000000`,
    );
  const unitPriceCents = centsOf(cell('unit_price'));
  if (unitPriceCents === null || unitPriceCents > 100_000_000)
    throw csvError(`${where('unit_price')}: "${cell('unit_price').slice(0, 20)}" is not a price like 12.50`);
  return { sku, description, quantity, unitPriceCents };
}

function describeParseFailure(err: unknown): ContractError {
  if (typeof err !== 'object' || err === null || !('code' in err)) throw err;
  const code = String(err.code);
  const line = 'lines' in err && typeof err.lines === 'number' ? err.lines : null;
  const at = line === null ? '' : `line ${line}: `;
  if (code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    const found = 'record' in err && Array.isArray(err.record) ? err.record.length : '?';
    return csvError(`${at}expected ${csvColumns.length} columns (${csvColumns.join(', ')}), found ${found}`);
  }
  if (code.startsWith('CSV_')) {
    const reason = err instanceof Error ? err.message.replace(/ at line \d+.*$/, '') : code;
    return csvError(`${at}${reason.slice(0, 200)}`);
  }
  throw err;
}

/**
 * A PO's CSV as line items: 413 past `maxBytes` or `maxLineItems`, 400 `invalid-csv` naming the
 * line and the column for a wrong header, a row with the wrong number of columns, or a bad cell.
 */
export function parsePurchaseOrderCsv(text: string, parse: CsvParse): PoLineItem[] {
  if (new TextEncoder().encode(text).length > purchaseOrderLimits.maxBytes)
    throw new ContractError('body-too-large', 'the CSV file is larger than 1 MB', 413);
  let parsed: unknown;
  try {
    parsed = parse(text, csvParseOptions);
  } catch (err) {
    throw describeParseFailure(err);
  }
  const records = parsedRecordsSchema.parse(parsed);
  const [header, ...rows] = records;
  if (!header) throw csvError(`line 1: the file is empty; expected the header ${csvColumns.join(',')}`);
  const names = header.record.map((h) => h.toLowerCase().replace(/\s+/g, '_'));
  for (const [index, column] of csvColumns.entries()) {
    if (names[index] !== column)
      throw csvError(
        `line ${header.info.lines}, column ${index + 1}: expected the header "${column}", found "${(header.record[index] ?? '').slice(0, 40)}"`,
      );
  }
  if (!rows.length) throw csvError('line 2: the file has a header but no line items');
  if (rows.length > purchaseOrderLimits.maxLineItems)
    throw new ContractError(
      'too-many-line-items',
      `the file has ${rows.length} line items; at most ${purchaseOrderLimits.maxLineItems} are allowed`,
      413,
    );
  return rows.map((row) => lineItemOf(row.record, row.info.lines));
}

/** What a new PO record holds, from its upload and its parsed items. */
export function newPurchaseOrder(
  input: { id: string; taskId: string; upload: PurchaseOrderUpload; lineItems: PoLineItem[] },
  at: Date,
): PurchaseOrderDetail {
  return {
    id: input.id,
    poNumber: input.upload.poNumber,
    supplier: input.upload.supplier,
    fileName: input.upload.fileName,
    itemCount: input.lineItems.length,
    totalCents: input.lineItems.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
    createdAt: at.toISOString(),
    taskId: input.taskId,
    attempts: 1,
    lineItems: input.lineItems,
  };
}

/** The PO pointed at the task of its next attempt (a retry). */
export function nextAttempt(po: PurchaseOrderDetail, taskId: string): PurchaseOrderDetail {
  return { ...po, taskId, attempts: po.attempts + 1 };
}

/** A PO as lists and 202 answers carry it: the record without its line items, and its task. */
export function purchaseOrderEntry<T extends Task | null>(
  po: PurchaseOrder,
  task: T,
): { purchaseOrder: PurchaseOrder; task: T } {
  return { purchaseOrder: purchaseOrderSchema.parse(po), task };
}

/** 409 unless the PO's latest attempt has ended without success (failed or cancelled). */
export function checkRetryable(taskStatus: string | undefined): void {
  if (taskStatus === undefined || taskStatus === 'failed' || taskStatus === 'cancelled') return;
  throw new ContractError(
    'not-retryable',
    taskStatus === 'completed'
      ? 'this purchase order is already processed'
      : 'this purchase order is still processing',
    409,
  );
}

// ---------------------------------------------------------------------------------------------
// The worker
// ---------------------------------------------------------------------------------------------

type PoFacts = Pick<PurchaseOrder, 'id' | 'poNumber' | 'supplier' | 'itemCount' | 'totalCents'>;

/** A PO's words for each scripted step, by stage and the share of the stage reached. */
const stepMessages: Record<string, (po: PoFacts) => string> = {
  'ai_parsing:33': (po) => `AI parsing started for ${po.poNumber}`,
  'ai_parsing:67': (po) => `Extracting ${po.itemCount} line items from ${po.supplier}`,
  'ai_parsing:100': (po) => `Parsed ${po.itemCount} line items`,
  'database_save:33': (po) => `Saving purchase order ${po.poNumber}...`,
  'database_save:67': (po) => `Saved ${po.itemCount} line items`,
  'database_save:100': () => 'Purchase order saved',
  'shopify_sync:33': (po) => `Matching ${po.itemCount} products in Shopify...`,
  'shopify_sync:67': (po) => `Updating inventory for ${po.itemCount} products...`,
  'shopify_sync:100': (po) => `Synced ${po.itemCount} products to Shopify`,
};

/**
 * The registry's `po_processing` script, told in this PO's numbers: "Parsed 37 line items", with
 * the PO's id, number, supplier, item count and total in `data` and the item count in the result;
 * failing in stage `failAt` when given (`failStepFor`'s rule, as `POST /api/tasks` takes it).
 */
export function purchaseOrderScript(po: PoFacts, failAt: string | null | undefined): ScriptedStep[] {
  const facts = {
    poId: po.id,
    poNumber: po.poNumber,
    supplier: po.supplier,
    lineItems: po.itemCount,
    totalCents: po.totalCents,
  };
  const def = getTaskType('po_processing');
  const failAtStep = failStepFor('po_processing', failAt);
  return stepScript('po_processing', failAtStep).map(({ durationMs, patch }) => {
    if (patch.status === 'completed')
      return {
        durationMs,
        patch: {
          ...patch,
          result: { ...def.result, ...facts },
          message: `Completed! ${po.itemCount} line items synced to Shopify`,
        },
      };
    if (patch.status === 'failed') {
      // The registry's failure leaves `stage` on the last stage reported; a PO names the one that broke.
      const stage = failAtStep === null ? undefined : def.steps[failAtStep]?.stage;
      return { durationMs, patch: { ...patch, ...(stage ? { stage } : {}), data: facts } };
    }
    const key = `${patch.stage}:${patch.data?.stageProgress}`;
    const words = stepMessages[key];
    return {
      durationMs,
      patch: { ...patch, ...(words ? { message: words(po) } : {}), data: { ...patch.data, ...facts } },
    };
  });
}
