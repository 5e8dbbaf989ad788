import { type Request, Router } from 'express';
import {
  formatEventId,
  listTasksQuerySchema,
  parseCreateTaskBody,
  type Task,
  taskIdSchema,
} from '../../protocol';
import { identityOf } from '../auth/authenticate';
import { AppError, notFound, validationError } from '../errors';
import type { AppServices } from '../services';

/** A task id from the path: malformed → 400; unknown or another user's → the same 404. */
export function taskIdOf(req: Request): string {
  const id = taskIdSchema.safeParse(req.params.id);
  if (!id.success) throw new AppError('malformed-id', 'malformed task id', 400);
  return id.data;
}

/** Task routes for signed-in users (auth is applied by the app). */
export function taskRoutes(s: AppServices): Router {
  const router = Router();

  async function ownTask(req: Request): Promise<Task> {
    const found = await s.store.get(taskIdOf(req));
    if (!found || found.task.ownerId !== identityOf(req).userId) throw notFound();
    return found.task;
  }

  router.post('/api/tasks', async (req, res) => {
    const { type, params = {}, trigger } = parseCreateTaskBody(req.body);
    const task = await s.tracker.create({
      ownerId: identityOf(req).userId,
      type,
      trigger: trigger ?? 'manual',
    });
    s.runner.run(task, params);
    res.status(202).json({ task });
  });

  router.get('/api/tasks', async (req, res) => {
    const query = listTasksQuerySchema.safeParse(req.query);
    if (!query.success) throw validationError(query.error, 'invalid-query');
    const { status, type } = query.data;
    const read = await s.store.list(identityOf(req).userId);
    let tasks =
      status === 'active'
        ? read.active
        : status === 'finished'
          ? read.finished
          : [...read.active, ...read.finished];
    if (type) tasks = tasks.filter((t) => t.type === type);
    res.json({ tasks, cursor: formatEventId(read.epoch, read.headSeq) });
  });

  router.head('/api/tasks/:id', async (req, res) => {
    const task = await ownTask(req);
    res
      .set({ 'X-Task-Status': task.status, 'X-Task-Progress': String(task.progress.percent) })
      .status(200)
      .end();
  });

  router.get('/api/tasks/:id', async (req, res) => {
    res.json({ task: await ownTask(req) });
  });

  router.post('/api/tasks/:id/cancel', async (req, res) => {
    // A finished task answers 409 task-finished from the lifecycle rule, as in the mocks.
    const task = await ownTask(req);
    res.status(202).json({ task: await s.tracker.cancel(task.id) });
  });

  return router;
}
