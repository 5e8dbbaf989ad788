import { Redis } from 'ioredis';
import { redisCommandTimeoutMs } from './config';
import { requestConnectionOptions } from './redis';
import { ProgressTracker } from './tasks/progress-tracker';
import { TaskStore } from './tasks/task-store';

export { ProgressTracker } from './tasks/progress-tracker';

/** Where the worker client reports Redis outages: pino's `warn`/`info` shape, so a pino logger fits. */
export interface WorkerClientLog {
  warn(details: { err: string }, message: string): void;
  info(message: string): void;
}

const stderrLog: WorkerClientLog = {
  warn: (details, message) => process.stderr.write(`taskstream worker client: ${message} (${details.err})\n`),
  info: (message) => process.stderr.write(`taskstream worker client: ${message}\n`),
};

/**
 * For TypeScript workers in their own process: a ProgressTracker that writes straight to the
 * shared Redis — the same atomic write (state, log, publish) the server's own workers use, so
 * every server process streams it. While Redis is away, calls fail fast (retry them) and the
 * outage is logged once, not once per reconnect attempt.
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
  options: { logSize?: number; commandTimeoutMs?: number; log?: WorkerClientLog } = {},
): { tracker: ProgressTracker; redis: Redis; close(): Promise<void> } {
  const log = options.log ?? stderrLog;
  const redis = new Redis(
    redisUrl,
    requestConnectionOptions(options.commandTimeoutMs ?? redisCommandTimeoutMs()),
  );
  let inOutage = false;
  // Without an 'error' listener ioredis prints "Unhandled error event" on every reconnect attempt.
  redis.on('error', (err: Error) => {
    if (inOutage) return;
    inOutage = true;
    log.warn({ err: err.message }, 'redis unreachable; reconnecting (calls fail until it is back)');
  });
  redis.on('ready', () => {
    if (!inOutage) return;
    inOutage = false;
    log.info('redis reachable again');
  });
  const tracker = new ProgressTracker(new TaskStore(redis, { logSize: options.logSize ?? 1000 }));
  return {
    tracker,
    redis,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
