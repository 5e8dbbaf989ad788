import { z } from 'zod';
import { parseStreamEvent, type StreamEvent, type Task, taskSchema } from '../../protocol';

/** A task the contract rejected: skipped, so that one bad task never hides the others. */
export interface RejectedTask {
  /** The task's id when it has a readable one. */
  id: string | null;
  reason: string;
}

export interface ParsedTasks {
  tasks: Task[];
  rejected: RejectedTask[];
}

const idOnlySchema = z.object({ id: z.string() });

/** Validates each task on its own: the valid ones are kept, the others reported. */
function parseTasks(values: readonly unknown[]): ParsedTasks {
  const tasks: Task[] = [];
  const rejected: RejectedTask[] = [];
  for (const value of values) {
    const parsed = taskSchema.safeParse(value);
    if (parsed.success) {
      tasks.push(parsed.data);
      continue;
    }
    const named = idOnlySchema.safeParse(value);
    rejected.push({
      id: named.success ? named.data.id : null,
      reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(task)'}: ${i.message}`).join('; '),
    });
  }
  return { tasks, rejected };
}

/** The shape around the tasks, checked as a whole; the tasks themselves one by one. */
const taskListShapeSchema = z.object({ tasks: z.array(z.unknown()), cursor: z.string() });
const snapshotShapeSchema = z.object({ tasks: z.array(z.unknown()) });

/** `GET /api/tasks`'s answer, or null when its shape (not one of its tasks) breaks the contract. */
export function parseTaskList(json: unknown): (ParsedTasks & { cursor: string }) | null {
  const shape = taskListShapeSchema.safeParse(json);
  if (!shape.success) return null;
  return { ...parseTasks(shape.data.tasks), cursor: shape.data.cursor };
}

/**
 * One SSE message, as `parseStreamEvent` reads it, except that a snapshot with a task the contract
 * rejects keeps its other tasks (and reports the rejected one) instead of being dropped whole.
 */
export function parseStreamFrame(
  name: string,
  data: string,
  id?: string,
): { event: StreamEvent; rejected: RejectedTask[] } | null {
  const event = parseStreamEvent(name, data, id);
  if (event) return { event, rejected: [] };
  if (name !== 'snapshot') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const shape = snapshotShapeSchema.safeParse(json);
  if (!shape.success) return null;
  const { tasks, rejected } = parseTasks(shape.data.tasks);
  return { event: { type: 'snapshot', ...(id ? { id } : {}), data: { tasks } }, rejected };
}

export const jsonRequest: RequestInit = {
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
};

export type TaskListAnswer = ({ kind: 'list'; cursor: string } & ParsedTasks) | { kind: 'unauthorized' };

/**
 * Reads `GET /api/tasks` (the start-up list, or the active list while polling). A 401 is an answer
 * (the session ended); a network error, another failing status or a broken shape throws.
 */
export async function fetchTaskList(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit = {},
): Promise<TaskListAnswer> {
  const res = await fetchFn(url, { ...jsonRequest, ...init });
  if (res.status === 401) return { kind: 'unauthorized' };
  if (!res.ok) throw new Error(`task list answered ${res.status}`);
  const list = parseTaskList(await res.json());
  if (!list) throw new Error('task list breaks the contract');
  return { kind: 'list', ...list };
}
