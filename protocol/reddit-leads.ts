/**
 * Seed 000's Reddit leads as pure rules: what a lead is, how the simulated `reddit_leads` worker
 * makes a batch of them (seeded by the task id, so the server and the mocks make the same rows for
 * the same task and a new task makes new rows), how the leads list is sorted, filtered and paged
 * by cursor, and what the summary counts. The server and the MSW handlers add storage only.
 */
import { z } from 'zod';
import { ContractError, validationError } from './errors';
import type { TaskUpdateBody } from './requests';
import { type Task, taskIdSchema } from './task';
import type { TaskType } from './task-types';
import { safeText } from './text';

/** Leads kept per user; older ones are dropped as new ones arrive. */
export const leadsPerUserMax = 5000;
/** Rows per page of `GET /api/reddit/leads` unless `limit` says otherwise. */
const defaultPageSize = 50;

export const leadIntents = ['high', 'medium', 'low'] as const;
const subredditNameSchema = z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'not a subreddit name');

/** One lead as a batch carries it in `task.data.rows` (flat primitives, as task data requires). */
const leadRowSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{1,32}$/),
  title: safeText(300),
  url: z.url(),
  subreddit: subredditNameSchema,
  author: safeText(40),
  score: z.number().int(),
  comments: z.number().int().nonnegative(),
  query: safeText(200),
  intent: z.enum(leadIntents),
});

export const redditLeadSchema = leadRowSchema.extend({
  /** When the batch that found it landed: the `updatedAt` of its progress event. */
  foundAt: z.iso.datetime(),
  taskId: taskIdSchema,
});
export type RedditLead = z.infer<typeof redditLeadSchema>;

// ---------------------------------------------------------------------------------------------
// The simulated worker's rows
// ---------------------------------------------------------------------------------------------

/** A small, fast PRNG (mulberry32): the same seed gives the same rows on the server and in the mocks. */
function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

export const leadSubreddits = [
  'SaaS',
  'startups',
  'smallbusiness',
  'Entrepreneur',
  'sales',
  'CRM',
  'freelance',
  'marketing',
  'EntrepreneurRideAlong',
  'growmybusiness',
  'sideproject',
  'indiehackers',
  'agency',
  'consulting',
  'ecommerce',
  'realtors',
] as const;

const openers = [
  'What CRM are you using for',
  'Looking for a simple tool to manage',
  'Is there anything cheaper than HubSpot for',
  'How do you keep track of',
  'Need recommendations: software for',
  'Switching away from spreadsheets for',
  'Anyone tried Pipedrive or Close for',
  'Overwhelmed by follow-ups — best way to handle',
  'Our team keeps losing',
  'Budget-friendly option for',
];
const subjects = [
  'a 3-person sales team?',
  'client follow-ups as a freelancer',
  'B2B leads at a seed-stage startup',
  'our agency’s pipeline',
  'inbound demo requests',
  'customer emails across the team',
  'deals that go quiet after the first call',
  'partner referrals',
  'recurring consulting clients',
  'cold outreach sequences',
  'leads from our Shopify store',
  'property buyers and sellers',
];
const authorParts = ['growth', 'indie', 'sales', 'founder', 'ops', 'maker', 'remote', 'bootstrapped', 'b2b'];
const authorTails = ['_dev', 'guy', '_hq', 'lab', '_co', 'nerd', '42', '_io', 'hustle'];

/** The `count` leads batch `batch` (1-based) of task `taskId` finds for `query`. */
function leadRowsFor(
  taskId: string,
  batch: number,
  count: number,
  query: string,
): Record<string, string | number>[] {
  const random = seededRandom(`${taskId}:${batch}`);
  return Array.from({ length: count }, (_, i) => {
    const postId = Math.floor(random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0');
    const subreddit = pick(random, leadSubreddits);
    const score = Math.floor(random() ** 2 * 480) + 1;
    const roll = random();
    return {
      id: `${postId}${batch.toString(36)}${i.toString(36)}`,
      title: `${pick(random, openers)} ${pick(random, subjects)}`,
      url: `https://www.reddit.com/r/${subreddit}/comments/${postId}/`,
      subreddit,
      author: `${pick(random, authorParts)}${pick(random, authorTails)}${Math.floor(random() * 90 + 10)}`,
      score,
      comments: Math.floor(random() * Math.min(score, 120)),
      query,
      intent: roll < 0.3 ? 'high' : roll < 0.75 ? 'medium' : 'low',
    };
  });
}

/**
 * A step of a type's script with the rows it produces: for `reddit_leads`, each batch report
 * carries its own leads in `data.rows` (as many as the registry's `leadsFound`), so that the page
 * appends them from the progress event itself. Every other type and step passes through unchanged.
 */
export function withGeneratedRows(
  type: TaskType,
  taskId: string,
  stepIndex: number,
  patch: TaskUpdateBody,
): TaskUpdateBody {
  const data = patch.data;
  if (type !== 'reddit_leads' || !data) return patch;
  const count = typeof data.leadsFound === 'number' ? data.leadsFound : 0;
  const query = typeof data.query === 'string' ? data.query : '';
  return { ...patch, data: { ...data, rows: leadRowsFor(taskId, stepIndex + 1, count, query) } };
}

/**
 * The leads one version of a `reddit_leads` task reports: its batch's rows when this version is a
 * batch report (a running version with a `batch` number: one search run), else null. The server
 * stores these, the mocks derive their lists from them and the page appends them as they arrive.
 */
export function leadBatchOf(task: Task): RedditLead[] | null {
  if (task.type !== 'reddit_leads' || task.status !== 'running' || typeof task.data?.batch !== 'number') {
    return null;
  }
  const rows = task.data.rows;
  const leads: RedditLead[] = [];
  for (const row of Array.isArray(rows) ? rows : []) {
    const parsed = leadRowSchema.safeParse(row);
    if (parsed.success) leads.push({ ...parsed.data, foundAt: task.updatedAt, taskId: task.id });
  }
  return leads;
}

// ---------------------------------------------------------------------------------------------
// GET /api/reddit/leads: sort, filter, cursor pages
// ---------------------------------------------------------------------------------------------

export const leadSorts = ['newest', 'score'] as const;
export type LeadSort = (typeof leadSorts)[number];

export const leadsQuerySchema = z.strictObject({
  sort: z.enum(leadSorts).default('newest'),
  subreddit: subredditNameSchema.optional(),
  cursor: z.string().max(80).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(200))
    .optional(),
});
export type LeadsQuery = z.infer<typeof leadsQuerySchema>;

/** Query parameters of `GET /api/reddit/leads`: 400 `invalid-query` for anything unknown or malformed. */
export function parseLeadsQuery(params: unknown): LeadsQuery {
  const parsed = leadsQuerySchema.safeParse(params);
  if (!parsed.success) throw validationError(parsed.error, 'invalid-query');
  return parsed.data;
}

export const leadsPageSchema = z.object({
  leads: z.array(redditLeadSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type LeadsPage = z.infer<typeof leadsPageSchema>;

/** Position of a lead in a sort order, newest or highest first, ties broken by id. */
type SortKey = readonly [number, number, string];
function sortKeyOf(lead: RedditLead, sort: LeadSort): SortKey {
  const at = Date.parse(lead.foundAt);
  return sort === 'score' ? [lead.score, at, lead.id] : [at, 0, lead.id];
}
function compareKeys(a: SortKey, b: SortKey): number {
  return b[0] - a[0] || b[1] - a[1] || (a[2] < b[2] ? 1 : a[2] > b[2] ? -1 : 0);
}

/** `leads` in `sort` order: the order pages and the live table share. */
export function sortLeads(leads: readonly RedditLead[], sort: LeadSort): RedditLead[] {
  return [...leads].sort((a, b) => compareKeys(sortKeyOf(a, sort), sortKeyOf(b, sort)));
}

const cursorPattern = /^(n|s)\.(-?\d{1,10})\.(\d{1,15})\.([a-z0-9]{1,32})$/;

function encodeCursor(lead: RedditLead, sort: LeadSort): string {
  const [first, second, id] = sortKeyOf(lead, sort);
  return sort === 'score' ? `s.${first}.${second}.${id}` : `n.0.${first}.${id}`;
}

function decodeCursor(cursor: string, sort: LeadSort): SortKey {
  const match = cursorPattern.exec(cursor);
  const kind = sort === 'score' ? 's' : 'n';
  if (!match || match[1] !== kind) {
    throw new ContractError(
      'invalid-cursor',
      `cursor is malformed or from another sort order than ${sort}`,
      400,
    );
  }
  const [, , score, at, id] = match;
  return sort === 'score' ? [Number(score), Number(at), id ?? ''] : [Number(at), 0, id ?? ''];
}

/** One page of `leads` (all of a user's stored leads, in any order) for `query`. */
export function pageOfLeads(leads: readonly RedditLead[], query: LeadsQuery): LeadsPage {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, query.sort);
  const limit = query.limit ?? defaultPageSize;
  const matching = sortLeads(
    query.subreddit
      ? leads.filter((l) => l.subreddit.toLowerCase() === query.subreddit?.toLowerCase())
      : leads,
    query.sort,
  );
  const start = after ? matching.findIndex((l) => compareKeys(sortKeyOf(l, query.sort), after) > 0) : 0;
  const page = start < 0 ? [] : matching.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start >= 0 && start + limit < matching.length;
  return { leads: page, nextCursor: more && last ? encodeCursor(last, query.sort) : null };
}

// ---------------------------------------------------------------------------------------------
// GET /api/reddit/metrics
// ---------------------------------------------------------------------------------------------

export const leadMetricsSchema = z.object({
  totalLeads: z.number().int().nonnegative(),
  /** Leads found in the last 24 hours. */
  newToday: z.number().int().nonnegative(),
  /** Search batches run, over every `reddit_leads` task. */
  searchesRun: z.number().int().nonnegative(),
  subreddits: z.array(subredditNameSchema),
});
export type LeadMetrics = z.infer<typeof leadMetricsSchema>;

const dayMs = 24 * 60 * 60 * 1000;

/** Seed 000's `reddit_metrics` over a user's stored leads. */
export function leadMetrics(leads: readonly RedditLead[], searchesRun: number, now: number): LeadMetrics {
  const subreddits = [...new Set(leads.map((l) => l.subreddit))].sort((a, b) => a.localeCompare(b));
  return {
    totalLeads: leads.length,
    newToday: leads.filter((l) => now - Date.parse(l.foundAt) < dayMs).length,
    searchesRun,
    subreddits,
  };
}

// ---------------------------------------------------------------------------------------------
// GET /api/reddit/subreddits: what subreddit_discovery found
// ---------------------------------------------------------------------------------------------

export const discoveredSubredditsSchema = z.object({
  subreddits: z.array(z.object({ name: subredditNameSchema, relevance: z.number().int().min(0).max(100) })),
  discoveredAt: z.iso.datetime().nullable(),
});
export type DiscoveredSubreddits = z.infer<typeof discoveredSubredditsSchema>;

/** The subreddits the latest completed `subreddit_discovery` of `tasks` found, best first. */
export function discoveredSubreddits(tasks: readonly Task[]): DiscoveredSubreddits {
  const latest = tasks
    .filter((t) => t.type === 'subreddit_discovery' && t.status === 'completed')
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))[0];
  if (!latest) return { subreddits: [], discoveredAt: null };
  const random = seededRandom(latest.id);
  const count = typeof latest.result?.itemsCreated === 'number' ? latest.result.itemsCreated : 12;
  const names: string[] = [...leadSubreddits];
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j] as string, names[i] as string];
  }
  const subreddits = names
    .slice(0, count)
    .map((name) => ({ name, relevance: Math.floor(55 + random() * 45) }))
    .sort((a, b) => b.relevance - a.relevance);
  return { subreddits, discoveredAt: latest.finishedAt ?? latest.updatedAt };
}
