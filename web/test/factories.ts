import { getTaskType, percentOf, type Task, type TaskType } from '../../protocol';

let counter = 0;

/** A valid task (it passes `taskSchema`), running at `percent` unless told otherwise. */
export function makeTask(overrides: Partial<Task> & { percent?: number } = {}): Task {
  const { percent, ...rest } = overrides;
  const type: TaskType = rest.type ?? 'rebuild_communities';
  const total = getTaskType(type).total;
  const current = percent === undefined ? 0 : (total * percent) / 100;
  counter++;
  const at = new Date(Date.UTC(2025, 0, 1, 12, 0, counter % 60)).toISOString();
  return {
    id: `task_${String(counter).padStart(6, '0')}`,
    type,
    ownerId: 'alice',
    status: 'running',
    progress: { current, total, percent: percentOf(current, total) },
    trigger: 'manual',
    version: 1,
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    ...rest,
  };
}

/** The next state of `task`: one version up, with the given changes. */
export function advance(task: Task, changes: Partial<Task> & { percent?: number } = {}): Task {
  const { percent, ...rest } = changes;
  const progress =
    percent === undefined
      ? task.progress
      : {
          current: (task.progress.total * percent) / 100,
          total: task.progress.total,
          percent,
        };
  return { ...task, progress, version: task.version + 1, ...rest };
}

/** A finished copy of `task`, as the server sends it. */
export function finish(
  task: Task,
  status: 'completed' | 'failed' | 'cancelled',
  extra: Partial<Task> = {},
): Task {
  const def = getTaskType(task.type);
  const base = advance(task, { status, finishedAt: task.updatedAt, ...extra });
  if (status === 'completed') {
    return {
      ...base,
      progress: { current: task.progress.total, total: task.progress.total, percent: 100 },
      result: { ...def.result },
      message: def.completedMessage,
      ...extra,
    };
  }
  if (status === 'failed') return { ...base, error: extra.error ?? 'The graph database did not answer.' };
  return base;
}
