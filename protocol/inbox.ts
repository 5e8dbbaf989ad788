/**
 * The activity inbox: one entry per finished task (completed, failed or cancelled), kept per user
 * with a read marker. The rules here — what an entry is made from a task, how a list of entries
 * becomes the answer of `GET /api/inbox`, how the read marker moves — are shared by the server,
 * the mocks and the SPA (which adds entries from terminal events as they arrive).
 */
import { z } from 'zod';
import {
  isTerminal,
  type Task,
  type TerminalStatus,
  taskIdSchema,
  taskTypeSchema,
  terminalStatuses,
} from './task';
import { getTaskType, type TaskType } from './task-types';
import { safeText } from './text';

/** Entries a user's inbox keeps; older ones are dropped as new ones arrive. */
export const inboxMaxEntries = 200;

/**
 * Where a person finds the result of each type of task. Typed over every type, so a new registry
 * entry without a page is a compile error here.
 */
const resultPages: Record<TaskType, (taskId: string) => string> = {
  reddit_leads: () => '/reddit',
  subreddit_discovery: () => '/reddit',
  seo_init: () => '/reddit',
  partnerships: () => '/reddit',
  geo_blogs: () => '/reddit',
  rebuild_communities: () => '/communities',
  po_processing: () => '/purchase-orders',
  test_run: (id) => `/runs/${id}`,
  job_run: (id) => `/runs/${id}`,
  brand_analysis: () => '/operations',
};

const isoDate = z.iso.datetime();

export const inboxEntrySchema = z.object({
  taskId: taskIdSchema,
  type: taskTypeSchema,
  status: z.enum(terminalStatuses),
  /** What a person reads: the completion message, the error, or "Cancelled". */
  text: safeText(2000),
  finishedAt: isoDate,
  /** From start (or creation) to finish; null when the task carries no usable times. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** The app route that shows the result. */
  href: z.string().regex(/^\/[A-Za-z0-9/_-]*$/),
});
export type InboxEntry = z.infer<typeof inboxEntrySchema>;

export const inboxResponseSchema = z.object({
  /** Newest first, at most `inboxMaxEntries`. */
  entries: z.array(inboxEntrySchema).max(inboxMaxEntries),
  /** Entries finished after the read marker. */
  unseen: z.number().int().nonnegative(),
  /** The read marker: entries finished at or before it are seen. Null before the first "mark seen". */
  readUpTo: isoDate.nullable(),
});
export type InboxResponse = z.infer<typeof inboxResponseSchema>;

/** `POST /api/inbox/seen`: everything finished at or before `upTo` is seen. */
export const inboxSeenBodySchema = z.strictObject({ upTo: isoDate });

/** The inbox entry for a task that has finished; null while it has not. */
export function inboxEntryFromTask(task: Task): InboxEntry | null {
  if (!isTerminal(task.status)) return null;
  const finishedAt = task.finishedAt ?? task.updatedAt;
  const began = Date.parse(task.startedAt ?? task.createdAt);
  const took = Date.parse(finishedAt) - began;
  return {
    taskId: task.id,
    type: task.type,
    status: task.status,
    text: outcomeText(task, task.status),
    finishedAt,
    durationMs: Number.isFinite(took) && took >= 0 ? Math.round(took) : null,
    href: resultPages[task.type](task.id),
  };
}

function outcomeText(task: Task, status: TerminalStatus): string {
  switch (status) {
    case 'completed':
      return task.message ?? getTaskType(task.type).completedMessage;
    case 'failed':
      return task.error ?? 'Something went wrong.';
    case 'cancelled':
      return 'Cancelled';
  }
}

const finishedMs = (entry: InboxEntry) => Date.parse(entry.finishedAt);

/**
 * The answer of `GET /api/inbox` from stored entries (any order, possibly repeated): one entry per
 * task (the first given wins), newest first, bounded, with the unseen count after `readUpTo`.
 */
export function inboxView(entries: readonly InboxEntry[], readUpTo: string | null): InboxResponse {
  const byTask = new Map<string, InboxEntry>();
  for (const entry of entries) if (!byTask.has(entry.taskId)) byTask.set(entry.taskId, entry);
  const newestFirst = [...byTask.values()]
    .sort((a, b) => finishedMs(b) - finishedMs(a) || b.taskId.localeCompare(a.taskId))
    .slice(0, inboxMaxEntries);
  const marker = readUpTo === null ? Number.NEGATIVE_INFINITY : Date.parse(readUpTo);
  return {
    entries: newestFirst,
    unseen: newestFirst.filter((e) => finishedMs(e) > marker).length,
    readUpTo,
  };
}

/**
 * Where the read marker moves on "mark seen up to `upTo`": never backwards (another tab may have
 * marked more), and never past the newest entry, so a task that finishes later is unseen even when
 * a client's clock runs ahead. Null when the marker stays.
 */
export function nextReadMarker(current: string | null, upTo: string, newest: string | null): string | null {
  if (newest === null) return null;
  const target = Math.min(Date.parse(upTo), Date.parse(newest));
  if (current !== null && target <= Date.parse(current)) return null;
  return new Date(target).toISOString();
}
