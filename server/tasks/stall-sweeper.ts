import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { applyPatch, isTerminal, type Task } from '../../protocol';
import { isCluster, type RedisClient, scanTargets } from '../redis';
import { everyUserPattern, keys } from './keys';
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

/** Past-due tasks read per user in one pass; more wait for the next pass. */
const DUE_PER_USER = 100;

const updatedPattern = everyUserPattern(keys.updated);
const activePattern = everyUserPattern(keys.active);

/** The tasks a pass looks at on one SCAN page: `[index of the user's key in the page, task id]`. */
type PageCandidates = (node: Redis, userKeys: string[], cutoff: number) => Promise<Array<[number, string]>>;

/**
 * Each user's tasks past `ARGV[1]` (ms) in their `updated` index (KEYS), at most `ARGV[2]` each,
 * as `<key number> <task id>` joined by commas (ioredis-mock returns a Lua table built by
 * appending as null, so the list is a string). Task ids hold neither space nor comma.
 */
const duePerPageLua = `
local out = {}
for i, key in ipairs(KEYS) do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
    table.insert(out, (i - 1) .. ' ' .. id)
  end
end
return table.concat(out, ',')
`;

const duePerPage: PageCandidates = async (node, userKeys, cutoff) => {
  const joined = String(await node.eval(duePerPageLua, userKeys.length, ...userKeys, cutoff, DUE_PER_USER));
  if (!joined) return [];
  return joined.split(',').map((entry): [number, string] => {
    const space = entry.indexOf(' ');
    return [Number(entry.slice(0, space)), entry.slice(space + 1)];
  });
};

/**
 * Keys from a node's SCAN live on that node: one pipeline per page (a slot that moved meanwhile
 * answers MOVED for its users, who are swept on the next pass).
 */
function pipelined(
  command: (pipeline: ChainableCommander, key: string, cutoff: number) => ChainableCommander,
): PageCandidates {
  return async (node, userKeys, cutoff) => {
    const pipeline = node.pipeline();
    for (const key of userKeys) command(pipeline, key, cutoff);
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(
      ([err, ids], i): Array<[number, string]> =>
        err || !Array.isArray(ids) ? [] : (ids as string[]).map((id): [number, string] => [i, id]),
    );
  };
}

/** Each user's tasks past the cutoff, read from a cluster node's page of `updated` keys. */
const dueByPipeline = pipelined((pipeline, key, cutoff) =>
  pipeline.zrangebyscore(key, '-inf', cutoff, 'LIMIT', 0, DUE_PER_USER),
);
/** Every task of each user, read from a page of `active` keys. */
const everyActive = pipelined((pipeline, key) => pipeline.zrange(key, 0, -1));

/**
 * Fails tasks whose worker stopped reporting (a process killed with SIGKILL, an outside worker
 * that died), so that none stays "running" until its data expires. Every process sweeps every
 * user; the write is version-checked, so a worker that reports meanwhile wins and two processes
 * sweeping at once fail a task once.
 *
 * A pass asks each user's `updated` index (unfinished tasks by last update, kept by the write
 * script) for the tasks past the timeout, a SCAN page at a time (one script call per page on one
 * Redis, a pipeline on a cluster), and reads no task that is not due. (Reading every active task,
 * as it once did, took 20,000 sequential round trips and ~0.57 s of CPU per pass at 10,000 users.)
 * On start, one pass over every user's `active` index instead catches tasks written before the
 * `updated` index existed.
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
    const warn = (err: unknown) =>
      // Only the message: ioredis errors carry the command's arguments.
      this.options.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'stall sweep failed');
    this.sweepAll().catch(warn);
    this.timer = setInterval(() => {
      this.sweep().catch(warn);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over the tasks past the timeout (on a cluster, over every master); resolves to how many it failed. */
  sweep(): Promise<number> {
    // On one Redis a page of users is one script call; a cluster's page spans slots, which a
    // script may not, so there it is one pipelined command per user.
    return this.once(() => this.pass(updatedPattern, isCluster(this.redis) ? dueByPipeline : duePerPage));
  }

  /** One pass over every unfinished task, indexed by update time or not. */
  sweepAll(): Promise<number> {
    return this.once(() => this.pass(activePattern, everyActive));
  }

  private once(run: () => Promise<number>): Promise<number> {
    this.sweeping ??= run().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async pass(pattern: string, candidates: PageCandidates): Promise<number> {
    let failed = 0;
    for (const node of scanTargets(this.redis)) {
      let cursor = '0';
      do {
        const [next, userKeys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (userKeys.length === 0) continue;
        const due = await candidates(node, userKeys, this.now() - this.options.stallTimeoutMs);
        for (const [i, taskId] of due) {
          if (await this.failIfStalled(taskId, userKeys[i]!)) failed++;
        }
      } while (cursor !== '0');
    }
    return failed;
  }

  private async failIfStalled(taskId: string, indexKey: string): Promise<boolean> {
    const current = await this.store.get(taskId);
    if (!current || isTerminal(current.task.status)) {
      // Its data expired, or an entry outlived it: nothing to fail, and no reason to ask again.
      await this.redis.zrem(indexKey, taskId);
      return false;
    }
    if (!this.isStalled(current.task)) return false;
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
