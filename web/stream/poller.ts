import { type Task, type TaskOp, taskResponseSchema } from '../../protocol';
import { fetchTaskList, jsonRequest, type RejectedTask } from './task-list';

export interface PollerOptions {
  /** Task list endpoint; polled with `?status=active`. */
  tasksUrl: string;
  /** Time between two polls, in ms. */
  intervalMs: number;
  fetch: typeof fetch;
  /** Ids of tasks the app still shows as active: fetched one by one when they leave the active list. */
  activeTaskIds?: () => readonly string[];
  /** Asked when the start delay is over: false leaves polling off (the stream came back meanwhile). */
  canStart: () => boolean;
  /** Polling began (the connection indicator says so). */
  onStart: () => void;
  onOp: (op: TaskOp) => void;
  /** The server no longer accepts the session. */
  onUnauthorized: () => void;
  onRejectedTasks?: (rejected: readonly RejectedTask[]) => void;
}

/**
 * The fallback while the stream is down: `GET /api/tasks?status=active` every interval, plus each
 * task the app still shows as active that left that list (it finished meanwhile), all fed as
 * `tasks` ops so that the reducer merges them by version with whatever the stream brings later.
 */
export class Poller {
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on stop, so that answers of a stopped round are dropped. */
  private round = 0;

  constructor(private readonly options: PollerOptions) {}

  /** True from the first poll until `stop`. */
  get active(): boolean {
    return this.running;
  }

  /** Starts polling after `delayMs`, unless polling is already scheduled or running. */
  schedule(delayMs: number): void {
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.options.canStart()) return;
      this.running = true;
      this.options.onStart();
      void this.loop(this.round);
    }, delayMs);
  }

  stop(): void {
    this.round++;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private isCurrent(round: number): boolean {
    return this.running && round === this.round;
  }

  private async loop(round: number): Promise<void> {
    while (this.isCurrent(round)) {
      await this.pollOnce(round);
      if (!this.isCurrent(round)) return;
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(() => {
          this.timer = null;
          resolve();
        }, this.options.intervalMs);
      });
    }
  }

  private async pollOnce(round: number): Promise<void> {
    try {
      const list = await fetchTaskList(this.options.fetch, `${this.options.tasksUrl}?status=active`);
      if (!this.isCurrent(round)) return;
      if (list.kind === 'unauthorized') return this.options.onUnauthorized();
      if (list.rejected.length) this.options.onRejectedTasks?.(list.rejected);
      if (list.tasks.length) this.options.onOp({ kind: 'tasks', tasks: list.tasks });
      const listed = new Set(list.tasks.map((t) => t.id));
      const watched = (this.options.activeTaskIds?.() ?? []).filter((id) => !listed.has(id));
      const left = await Promise.all(watched.map((id) => this.fetchTask(id)));
      if (!this.isCurrent(round)) return;
      const tasks = left.filter((t) => t !== null);
      if (tasks.length) this.options.onOp({ kind: 'tasks', tasks });
    } catch {
      // The server is unreachable too; the next poll tries again.
    }
  }

  private async fetchTask(id: string): Promise<Task | null> {
    const res = await this.options.fetch(`${this.options.tasksUrl}/${encodeURIComponent(id)}`, jsonRequest);
    if (!res.ok) return null;
    const parsed = taskResponseSchema.safeParse(await res.json());
    return parsed.success ? parsed.data.task : null;
  }
}
