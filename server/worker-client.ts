import { Redis } from 'ioredis';
import { ProgressTracker } from './tasks/progress-tracker';
import { TaskStore } from './tasks/task-store';

export { ProgressTracker } from './tasks/progress-tracker';

/**
 * For TypeScript workers in their own process: a ProgressTracker that writes straight to the
 * shared Redis — the same atomic write (state, log, publish) the server's own workers use, so
 * every server process streams it.
 *
 * ```ts
 * const { tracker, close } = connectProgressTracker(process.env.REDIS_URL!);
 * const task = await tracker.create({ ownerId: 'alice', type: 'po_processing' });
 * await tracker.update(task.id, { progress: { current: 30 }, stage: 'ai_parsing', message: 'Parsing PDF...' });
 * await tracker.complete(task.id, { lineItems: 5 });
 * await close();
 * ```
 */
export function connectProgressTracker(
  redisUrl: string,
  options: { logSize?: number } = {},
): { tracker: ProgressTracker; redis: Redis; close(): Promise<void> } {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const tracker = new ProgressTracker(new TaskStore(redis, { logSize: options.logSize ?? 1000 }));
  return {
    tracker,
    redis,
    close: async () => {
      await redis.quit();
    },
  };
}
