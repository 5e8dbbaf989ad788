import { type Cluster, Redis } from 'ioredis';
import { redisCommandTimeoutMs } from './config';
import { createClusterClient, type RedisClient, requestConnectionOptions } from './redis';
import { ProgressTracker } from './tasks/progress-tracker';
import { TaskStore } from './tasks/task-store';

export { ProgressTracker } from './tasks/progress-tracker';

/** Where the worker client reports Redis outages: pino's `warn`/`info` shape, so a pino logger fits. */
export interface WorkerClientLog {
  warn(details: { err: string }, message: string): void;
  info(message: string): void;
}

/** A Redis Cluster by its seed nodes, `host:port` each (any reachable subset), as in `REDIS_CLUSTER_NODES`. */
export interface ClusterNodes {
  clusterNodes: readonly string[];
}

interface WorkerClientOptions {
  /** The server's `EVENT_LOG_SIZE` (default 1000): both trim the same per-user log. */
  logSize?: number;
  /** Default `REDIS_COMMAND_TIMEOUT_MS`, else 2000. */
  commandTimeoutMs?: number;
  log?: WorkerClientLog;
}

interface WorkerConnection<Client extends RedisClient> {
  tracker: ProgressTracker;
  redis: Client;
  close(): Promise<void>;
}

const stderrLog: WorkerClientLog = {
  warn: (details, message) => process.stderr.write(`taskstream worker client: ${message} (${details.err})\n`),
  info: (message) => process.stderr.write(`taskstream worker client: ${message}\n`),
};

/**
 * For TypeScript workers in their own process: a ProgressTracker that writes straight to the
 * shared Redis — the same atomic write (state, log, publish) the server's own workers use, so
 * every server process streams it. Give it what the server has: a `REDIS_URL`, or a cluster's
 * nodes (`{ clusterNodes }`, where it publishes with SPUBLISH as the server does). While Redis is
 * away, calls fail within the command timeout (retry them) and the outage is logged once, not
 * once per reconnect attempt.
 *
 * ```ts
 * const { tracker, close } = connectProgressTracker(process.env.REDIS_URL!);
 * // or: connectProgressTracker({ clusterNodes: process.env.REDIS_CLUSTER_NODES!.split(',') })
 * const task = await tracker.create({ ownerId: 'alice', type: 'po_processing' });
 * await tracker.update(task.id, { progress: { current: 30 }, stage: 'ai_parsing', message: 'Parsing PDF...' });
 * await tracker.complete(task.id, { lineItems: 5 });
 * await close();
 * ```
 */
export function connectProgressTracker(
  redisUrl: string,
  options?: WorkerClientOptions,
): WorkerConnection<Redis>;
export function connectProgressTracker(
  cluster: ClusterNodes,
  options?: WorkerClientOptions,
): WorkerConnection<Cluster>;
export function connectProgressTracker(
  target: string | ClusterNodes,
  options?: WorkerClientOptions,
): WorkerConnection<RedisClient>;
export function connectProgressTracker(
  target: string | ClusterNodes,
  options: WorkerClientOptions = {},
): WorkerConnection<RedisClient> {
  const log = options.log ?? stderrLog;
  const connection = requestConnectionOptions(options.commandTimeoutMs ?? redisCommandTimeoutMs());
  if (typeof target !== 'string' && target.clusterNodes.length === 0)
    throw new Error('connectProgressTracker: clusterNodes names no node');
  const redis: RedisClient =
    typeof target === 'string'
      ? new Redis(target, connection)
      : createClusterClient(target.clusterNodes, connection);
  let inOutage = false;
  // Without an 'error' listener ioredis prints "Unhandled error event" on every reconnect attempt.
  // A cluster client emits it when it reaches no node at all (one master down is a failover, not an outage).
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
