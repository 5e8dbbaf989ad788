import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type RequestHandler, Router } from 'express';
import {
  type ProgressBatchResponse,
  parseTaskUpdate,
  parseWorkerCreateTaskBody,
  progressBatchBodySchema,
  type TaskUpdateBody,
} from '../../protocol';
import { AppError, toAppError, validationError } from '../errors';
import type { AppServices } from '../services';
import { taskIdOf } from './task-routes';

/** A batch body: up to MAX_PROGRESS_BATCH updates of a few hundred bytes each. */
const BATCH_BODY_LIMIT_BYTES = 512 * 1024;

/** Throws unless `authorization` is `Bearer <WORKER_TOKEN>`; 404 when the worker routes are off. */
function workerCheck(s: AppServices): (authorization: string | undefined) => void {
  const expected = s.config.WORKER_TOKEN ? Buffer.from(`Bearer ${s.config.WORKER_TOKEN}`) : null;
  return (authorization) => {
    if (!expected)
      throw new AppError('not-found', 'worker routes are disabled (WORKER_TOKEN is not set)', 404);
    const given = Buffer.from(authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('unauthorized', 'a valid worker token is required', 401);
    }
  };
}

/** Workers in any language: `Authorization: Bearer <WORKER_TOKEN>`. Unset token: the routes do not exist. */
export function workerRoutes(s: AppServices): Router {
  const router = Router();
  const check = workerCheck(s);
  const requireWorker: RequestHandler = (req, _res, next) => {
    check(req.headers.authorization);
    next();
  };

  router.post('/api/worker/tasks', requireWorker, async (req, res) => {
    const { ownerId, type, total, trigger } = parseWorkerCreateTaskBody(req.body);
    const task = await s.tracker.create({
      ownerId,
      type,
      status: 'pending',
      trigger: trigger ?? 'api',
      ...(total ? { total } : {}),
    });
    res.status(201).json({ task });
  });

  router.post('/api/tasks/:id/progress', requireWorker, async (req, res) => {
    const id = taskIdOf(req);
    res.json({ task: await s.tracker.update(id, parseTaskUpdate(req.body)) });
  });

  return router;
}

/**
 * `POST /api/worker/progress`, mounted before the app's body parsing, cookies and CSRF checks: a
 * worker token needs none of them, and its body may be larger than the app's 16 KiB. The token
 * is checked before the body is read.
 */
export function workerBatchRoutes(s: AppServices): Router {
  const router = Router();
  const check = workerCheck(s);
  router.post('/api/worker/progress', async (req, res) => {
    check(req.headers.authorization);
    const updates = parseBatch(await readJsonBody(req, BATCH_BODY_LIMIT_BYTES));
    const results: ProgressBatchResponse['results'] = new Array(updates.length);
    // In request order per task (two updates of one task must not race); tasks side by side.
    const byTask = new Map<string, number[]>();
    updates.forEach(({ taskId }, i) => {
      const list = byTask.get(taskId);
      if (list) list.push(i);
      else byTask.set(taskId, [i]);
    });
    await Promise.all(
      [...byTask].map(async ([taskId, indexes]) => {
        for (const i of indexes) {
          try {
            results[i] = { taskId, version: (await s.tracker.update(taskId, updates[i]!.patch)).version };
          } catch (err) {
            const { code, message } = toAppError(err, s.log);
            results[i] = { taskId, error: { code, message } };
          }
        }
      }),
    );
    res.json({ results });
  });
  return router;
}

/** Every update valid before any is applied: a bad one is a 400 naming it, and nothing changes. */
function parseBatch(body: unknown): Array<{ taskId: string; patch: TaskUpdateBody }> {
  const parsed = progressBatchBodySchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'invalid-progress');
  return parsed.data.updates.map(({ taskId, ...update }, i) => {
    try {
      return { taskId, patch: parseTaskUpdate(update) };
    } catch (err) {
      const { code, message, status } = err as AppError;
      throw new AppError(code, `updates[${i}] (${taskId}): ${message}`, status);
    }
  });
}

/** The JSON body, read only as far as `limitBytes`; the same 413/415/400 answers as the app's parser. */
async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new AppError('unsupported-media-type', 'send the body as application/json', 415);
  const encoding = req.headers['content-encoding']?.toLowerCase() ?? 'identity';
  if (encoding !== 'identity')
    throw new AppError('unsupported-encoding', 'send the batch without Content-Encoding', 415);
  const tooLarge = () => new AppError('body-too-large', 'request body is too large', 413);
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('malformed-json', 'request body is not valid JSON', 400);
  }
}
