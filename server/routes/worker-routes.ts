import { timingSafeEqual } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { parseTaskUpdate, parseWorkerCreateTaskBody } from '../../protocol';
import { AppError } from '../errors';
import type { AppServices } from '../services';
import { taskIdOf } from './task-routes';

/** Workers in any language: `Authorization: Bearer <WORKER_TOKEN>`. Unset token: the routes do not exist. */
export function workerRoutes(s: AppServices): Router {
  const router = Router();
  const expected = s.config.WORKER_TOKEN ? Buffer.from(`Bearer ${s.config.WORKER_TOKEN}`) : null;

  const requireWorker: RequestHandler = (req, _res, next) => {
    if (!expected)
      throw new AppError('not-found', 'worker routes are disabled (WORKER_TOKEN is not set)', 404);
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('unauthorized', 'a valid worker token is required', 401);
    }
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
