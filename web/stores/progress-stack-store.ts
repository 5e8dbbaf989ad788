import { create } from 'zustand';
import { getTaskType, isTerminal, type Task } from '../../protocol';
import { isPageHidden, subscribePageVisibility } from '../lib/page-visibility';
import { inDevtools } from './dev-tools';
import type { TaskChange } from './task-store';

/** One message for a live region; `seq` gives each message its own DOM node, so a repeat is heard. */
interface Announcement {
  seq: number;
  text: string;
}

interface ProgressStackState {
  /** Task ids with a card in the global stack, newest first. */
  ids: readonly string[];
  /** True when the stack is folded into its one-line pill; remembered across visits. */
  collapsed: boolean;
  /** What a finished task's card says, fixed when it finished (see `outcomeText`). */
  outcomes: Readonly<Record<string, string>>;
  /** Completions and cancellations, for the polite live region. */
  polite: Announcement | null;
  /** Failures (alone or in a burst), for the assertive live region. */
  assertive: Announcement | null;
}

/** How long a finished card stays, in ms, unless the pointer or focus holds it. */
const autoDismissMs = { completed: 6000, cancelled: 5000, failed: 15_000 } as const;

/** Outcomes closer together than this are heard as one summary ("12 tasks finished, 1 failed"). */
export const ANNOUNCE_BURST_MS = 800;

const COLLAPSED_KEY = 'taskstream:progress-stack-collapsed';

function readCollapsed(): boolean {
  try {
    return globalThis.localStorage?.getItem(COLLAPSED_KEY) === 'true';
  } catch {
    // Storage can be blocked (private mode, sandboxed frames): the stack then starts open.
    return false;
  }
}

export const useProgressStackStore = create<ProgressStackState>()(
  inDevtools<ProgressStackState>('progress-stack', () => ({
    ids: [],
    collapsed: readCollapsed(),
    outcomes: {},
    polite: null,
    assertive: null,
  })),
);

/**
 * What a finished task's card and announcement say. An outside worker may finish a task without a
 * message of its own: the task then still carries its last progress message, which would read as
 * if it were still working, so the registry's completion text is used instead.
 */
function outcomeText(task: Task, previous: Task | undefined): string {
  const def = getTaskType(task.type);
  switch (task.status) {
    case 'completed': {
      const stale = task.message === undefined || task.message === previous?.message;
      return stale ? def.completedMessage : (task.message ?? def.completedMessage);
    }
    case 'failed':
      return task.error ?? 'Something went wrong.';
    case 'cancelled':
      return 'Cancelled';
    default:
      return task.message ?? '';
  }
}

function spokenOutcome(task: Task, text: string): string {
  const title = getTaskType(task.type).title;
  switch (task.status) {
    case 'completed':
      return `${title}: ${text}`;
    case 'failed':
      return `${title} failed: ${text}`;
    default:
      return `${title} was cancelled`;
  }
}

interface PendingOutcome {
  status: Task['status'];
  text: string;
}

let pending: PendingOutcome[] = [];
let burstTimer: ReturnType<typeof setTimeout> | null = null;
/** `id:status` of every outcome already queued, so a replayed or re-snapshotted end is not heard twice. */
const announced = new Set<string>();
const ANNOUNCED_LIMIT = 1000;
let seq = 0;

function plural(n: number, word: string): string {
  return `${n} task${n === 1 ? '' : 's'} ${word}`;
}

/** "12 tasks finished, 1 failed, 2 cancelled": the words of a burst, zero counts left out. */
export function burstSummary(outcomes: readonly { status: Task['status'] }[]): string {
  const count = (status: Task['status']) => outcomes.filter((o) => o.status === status).length;
  const parts = [
    [count('completed'), 'finished'],
    [count('failed'), 'failed'],
    [count('cancelled'), 'cancelled'],
  ] as const;
  const said = parts.filter(([n]) => n > 0);
  return said.map(([n, word], i) => (i === 0 ? plural(n, word) : `${n} ${word}`)).join(', ');
}

function flushAnnouncements(): void {
  burstTimer = null;
  const outcomes = pending;
  pending = [];
  const only = outcomes.length === 1 ? outcomes[0] : undefined;
  if (!outcomes.length) return;
  const text = only ? only.text : burstSummary(outcomes);
  const announcement = { seq: ++seq, text };
  // A failure interrupts; anything else waits its turn.
  if (outcomes.some((o) => o.status === 'failed'))
    useProgressStackStore.setState({ assertive: announcement });
  else useProgressStackStore.setState({ polite: announcement });
}

function queueAnnouncement(task: Task, text: string): void {
  const key = `${task.id}:${task.status}`;
  if (announced.has(key)) return;
  if (announced.size >= ANNOUNCED_LIMIT) announced.clear();
  announced.add(key);
  pending.push({ status: task.status, text: spokenOutcome(task, text) });
  burstTimer ??= setTimeout(flushAnnouncements, ANNOUNCE_BURST_MS);
}

interface DismissTimer {
  timer: ReturnType<typeof setTimeout> | null;
  remainingMs: number;
  startedAt: number;
  holds: number;
}

/** Auto-dismiss timers live here, not in the cards: a folded card times out too, and a re-render never restarts one. */
const dismissTimers = new Map<string, DismissTimer>();

function runTimer(id: string, entry: DismissTimer): void {
  watchPageVisibility();
  // A card that ends while nobody looks waits for them: its time runs only while the page is seen.
  if (isPageHidden()) return;
  entry.startedAt = Date.now();
  entry.timer = setTimeout(() => dismissProgress(id), entry.remainingMs);
}

function pauseTimer(entry: DismissTimer): void {
  if (entry.timer === null) return;
  clearTimeout(entry.timer);
  entry.timer = null;
  entry.remainingMs = Math.max(1000, entry.remainingMs - (Date.now() - entry.startedAt));
}

let unwatchPageVisibility: (() => void) | null = null;
function watchPageVisibility(): void {
  if (unwatchPageVisibility || typeof document === 'undefined') return;
  unwatchPageVisibility = subscribePageVisibility(() => {
    for (const [id, entry] of dismissTimers) {
      if (isPageHidden()) pauseTimer(entry);
      else if (entry.holds === 0 && entry.timer === null) runTimer(id, entry);
    }
  });
}

function startDismissTimer(id: string, status: keyof typeof autoDismissMs): void {
  if (dismissTimers.has(id)) return;
  const entry: DismissTimer = { timer: null, remainingMs: autoDismissMs[status], startedAt: 0, holds: 0 };
  dismissTimers.set(id, entry);
  runTimer(id, entry);
}

/** The pointer or focus is on a card: its auto-dismiss waits (several holders may overlap). */
export function holdAutoDismiss(id: string): void {
  const entry = dismissTimers.get(id);
  if (!entry) return;
  entry.holds += 1;
  pauseTimer(entry);
}

export function releaseAutoDismiss(id: string): void {
  const entry = dismissTimers.get(id);
  if (!entry || entry.holds === 0) return;
  entry.holds -= 1;
  if (entry.holds === 0) runTimer(id, entry);
}

function dropTimer(id: string): void {
  const entry = dismissTimers.get(id);
  if (entry?.timer) clearTimeout(entry.timer);
  dismissTimers.delete(id);
}

/**
 * Keeps the stack in step with task changes: a card for every task seen running, kept through its
 * end (so it can show "Completed! …") and then dismissed on a timer; each end is announced once.
 */
export function trackProgressStack(changes: readonly TaskChange[]): void {
  const { ids, outcomes } = useProgressStackStore.getState();
  let nextIds = ids;
  let nextOutcomes = outcomes;
  for (const { task, previous, finished } of changes) {
    const shown = nextIds.includes(task.id);
    if (!shown && (!isTerminal(task.status) || finished)) nextIds = [task.id, ...nextIds];
    if (finished && task.status !== 'pending' && task.status !== 'running') {
      const text = outcomeText(task, previous);
      nextOutcomes = { ...nextOutcomes, [task.id]: text };
      queueAnnouncement(task, text);
      startDismissTimer(task.id, task.status);
    }
  }
  if (nextIds !== ids || nextOutcomes !== outcomes) {
    useProgressStackStore.setState({ ids: nextIds, outcomes: nextOutcomes });
  }
}

export function dismissProgress(id: string): void {
  dropTimer(id);
  const { ids, outcomes } = useProgressStackStore.getState();
  if (!ids.includes(id)) return;
  const { [id]: _gone, ...rest } = outcomes;
  useProgressStackStore.setState({ ids: ids.filter((x) => x !== id), outcomes: rest });
}

export function setProgressStackCollapsed(collapsed: boolean): void {
  useProgressStackStore.setState({ collapsed });
  try {
    globalThis.localStorage?.setItem(COLLAPSED_KEY, String(collapsed));
  } catch {
    // Not remembered where storage is blocked; the choice still holds for this page.
  }
}

export function clearProgressStack(): void {
  for (const id of [...dismissTimers.keys()]) dropTimer(id);
  if (burstTimer) clearTimeout(burstTimer);
  burstTimer = null;
  pending = [];
  announced.clear();
  useProgressStackStore.setState({ ids: [], outcomes: {}, polite: null, assertive: null });
}
