import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { applyPatch, isTerminal, type Task } from '../../protocol';
import { type RedisClient, scanTargets } from '../redis';
import { keys } from './keys';
import type { TaskWriteListener } from './progress-tracker';
import type { TaskStore } from './task-store';

/** What a person reads on a task whose worker went quiet. */
export const STALLED_TASK_ERROR = 'The worker stopped responding';

export interface StallSweeperOptions {
  /** A pending or running task not updated for this long is failed, in ms. */
  stallTimeoutMs: number;
  /** How often this process sweeps, in ms. Default: a quarter of the timeout, 1 s to 30 s. */
  intervalMs?: number;
  /** Wall clock in ms (tests move it instead of waiting). */
  now?: () => number;
  onWrite?: TaskWriteListener;
  log: Logger;
}

const [activePrefix = '', activeSuffix = ''] = keys.active('\u0000').split('\u0000');

/**
 * Fails tasks whose worker stopped reporting (a process killed with SIGKILL, an outside worker
 * that died), so that none stays "running" until its data expires. Every process sweeps every
 * user's active index; the write is version-checked, so a worker that reports meanwhile wins and
 * two processes sweeping at once fail a task once.
 */
export class StallSweeper {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly store: TaskStore,
    private readonly options: StallSweeperOptions,
  ) {}

  get intervalMs(): number {
    return this.options.intervalMs ?? Math.min(30_000, Math.max(1000, this.options.stallTimeoutMs / 4));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) =>
        // Only the message: ioredis errors carry the command's arguments.
        this.options.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'stall sweep failed',
        ),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every active task (on a cluster, over every master); resolves to how many it failed. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    let failed = 0;
    for (const node of scanTargets(this.redis)) failed += await this.sweepNode(node);
    return failed;
  }

  private async sweepNode(node: Redis): Promise<number> {
    let failed = 0;
    let cursor = '0';
    do {
      const [next, activeKeys] = await node.scan(
        cursor,
        'MATCH',
        `${activePrefix}*${activeSuffix}`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of activeKeys) {
        for (const taskId of await this.redis.zrange(key, 0, -1)) {
          if (await this.failIfStalled(taskId)) failed++;
        }
      }
    } while (cursor !== '0');
    return failed;
  }

  private async failIfStalled(taskId: string): Promise<boolean> {
    const current = await this.store.get(taskId);
    if (!current || isTerminal(current.task.status) || !this.isStalled(current.task)) return false;
    const failed = applyPatch(
      current.task,
      { status: 'failed', error: STALLED_TASK_ERROR },
      new Date(this.now()),
    );
    const outcome = await this.store.write(failed, 'failed');
    if (!outcome.ok) return false;
    this.options.onWrite?.(failed, 'failed');
    this.options.log.info(
      { taskId, type: failed.type, lastUpdate: current.task.updatedAt },
      'failed a task whose worker stopped responding',
    );
    return true;
  }

  private isStalled(task: Task): boolean {
    return this.now() - Date.parse(task.updatedAt) > this.options.stallTimeoutMs;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
