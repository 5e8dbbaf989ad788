import { Cluster, Redis, type RedisOptions } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { redisCommandTimeoutMs } from './config';

/**
 * What the code above the client talks to: one Redis (or ioredis-mock behind the same interface),
 * or a Redis Cluster. Commands are the same on both as long as every multi-key command, script and
 * MULTI stays within one user's hash tag; what differs (pub/sub, SCAN) goes through the helpers below.
 */
export type RedisClient = Redis | Cluster;

/**
 * The process's two Redis connections: one for commands, one subscriber shared by every stream.
 * `REDIS_URL` unset gives ioredis-mock in-process; `REDIS_CLUSTER_NODES` gives two cluster clients,
 * the subscriber one with a sharded subscriber per master.
 */
export interface RedisPair {
  commands: RedisClient;
  subscriber: RedisClient;
  embedded: boolean;
}

/** Each embedded instance gets its own data set (ioredis-mock shares data per host:port). */
let embeddedInstances = 0;

/**
 * Options for a connection that serves requests: a command fails after `commandTimeoutMs` when
 * Redis stalls (DEBUG SLEEP, CLIENT PAUSE, a slow script, a half-open link), and while Redis is
 * away it waits for at most two reconnect attempts instead of queueing without bound — either way
 * the request gets a 503 within seconds rather than hanging.
 */
export function requestConnectionOptions(commandTimeoutMs: number): RedisOptions {
  return {
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2000),
  };
}

/**
 * A cluster client whose commands time out as a single connection's do. `commandTimeout` in
 * `redisOptions` only starts once a command reaches a node; while the client reaches no node (the
 * whole cluster down, a partition) commands waited in its offline queue for as long as that lasted.
 */
class TimedCluster extends Cluster {
  override sendCommand(...args: Parameters<Cluster['sendCommand']>): unknown {
    const timeoutMs = this.options.redisOptions?.commandTimeout;
    if (timeoutMs !== undefined) args[0].setTimeout(timeoutMs);
    return super.sendCommand(...args);
  }
}

/**
 * A Redis Cluster client on `nodes` (`host:port` seeds), each node connection made with
 * `redisOptions`; `shardedSubscribers` for the connection that SSUBSCRIBEs.
 */
export function createClusterClient(
  nodes: readonly string[],
  redisOptions: RedisOptions,
  { shardedSubscribers = false }: { shardedSubscribers?: boolean } = {},
): Cluster {
  const seeds = nodes.map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
  return new TimedCluster(seeds, {
    redisOptions,
    shardedSubscribers,
    // Off: it defers each command to setImmediate, which cost 1 ms per SSUBSCRIBE on a busy machine.
    enableAutoPipelining: false,
    clusterRetryStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000),
  });
}

export function createRedisPair(
  url: string | undefined,
  {
    commandTimeoutMs = redisCommandTimeoutMs(),
    clusterNodes,
  }: { commandTimeoutMs?: number; clusterNodes?: string[] } = {},
): RedisPair {
  const options = requestConnectionOptions(commandTimeoutMs);
  // The subscriber waits for messages by design (no timeout) and keeps (re)subscribing for ever.
  const subscriberOptions: RedisOptions = {
    ...options,
    commandTimeout: undefined,
    maxRetriesPerRequest: null,
  };
  if (clusterNodes?.length) {
    return {
      commands: createClusterClient(clusterNodes, options),
      subscriber: createClusterClient(clusterNodes, subscriberOptions, { shardedSubscribers: true }),
      embedded: false,
    };
  }
  if (!url) {
    const commands = new RedisMock({ port: 10_000 + embeddedInstances++ }) as unknown as Redis;
    return { commands, subscriber: commands.duplicate(), embedded: true };
  }
  return {
    commands: new Redis(url, options),
    subscriber: new Redis(url, subscriberOptions),
    embedded: false,
  };
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The connections a SCAN must walk to see every key: each master of a cluster, or the one Redis. */
export function scanTargets(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** What `checkRedisSettings` found; `warnings` is empty when the settings suit the guarantees. */
export interface RedisSettingsReport {
  maxmemoryPolicy: string | null;
  aof: boolean | null;
  rdbSchedule: string | null;
  warnings: string[];
}

/**
 * Reads the settings taskstream's guarantees depend on and warns, loudly and naming the risk, when
 * they do not hold. It warns rather than refuses: with any policy no event is lost silently (an
 * evicted meta, log or counter turns into reset + snapshot), but tasks can vanish; and managed
 * Redis often disables CONFIG, where refusing to start would take the service down over settings
 * it cannot read. Falls back to INFO when CONFIG is unavailable. Skips ioredis-mock.
 */
export async function checkRedisSettings(redis: RedisClient, log: SettingsLog): Promise<RedisSettingsReport> {
  if (!isCluster(redis)) return checkNodeSettings(redis, log);
  // The masters are known once the cluster client has read the slot map.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  // Every master can be configured differently; the first one's figures stand for the report.
  const reports = await Promise.all(redis.nodes('master').map((node) => checkNodeSettings(node, log)));
  return reports[0] ?? { maxmemoryPolicy: null, aof: null, rdbSchedule: null, warnings: [] };
}

interface SettingsLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

async function checkNodeSettings(redis: Redis, log: SettingsLog): Promise<RedisSettingsReport> {
  const report: RedisSettingsReport = { maxmemoryPolicy: null, aof: null, rdbSchedule: null, warnings: [] };
  if (!(redis instanceof Redis)) return report; // the embedded ioredis-mock: nothing to check
  const info = await redis.info().catch(() => '');
  const fromInfo = (field: string) => new RegExp(`^${field}:(.*?)\\r?$`, 'm').exec(info)?.[1] ?? null;
  const config = async (name: string): Promise<string | null> => {
    const pair = (await redis.config('GET', name).catch(() => null)) as string[] | null;
    return pair && pair.length >= 2 ? (pair[1] ?? null) : null;
  };
  report.maxmemoryPolicy = (await config('maxmemory-policy')) ?? fromInfo('maxmemory_policy');
  const appendonly =
    (await config('appendonly')) ??
    (fromInfo('aof_enabled') === '1' ? 'yes' : fromInfo('aof_enabled') ? 'no' : null);
  report.aof = appendonly === null ? null : appendonly === 'yes';
  report.rdbSchedule = await config('save');

  if (report.maxmemoryPolicy === null) {
    report.warnings.push(
      'cannot read maxmemory-policy: make sure it is noeviction, or Redis may evict tasks and event logs under memory pressure',
    );
  } else if (report.maxmemoryPolicy !== 'noeviction') {
    report.warnings.push(
      `maxmemory-policy is ${report.maxmemoryPolicy}, not noeviction: under memory pressure Redis will evict tasks, ` +
        'event logs and counters (clients then get reset + snapshot, and evicted tasks disappear); set noeviction',
    );
  }
  if (report.aof === false && report.rdbSchedule === '') {
    report.warnings.push(
      'Redis has no persistence (appendonly no, save ""): a Redis restart loses every task and event log; turn on appendonly',
    );
  } else if (report.aof === false) {
    report.warnings.push(
      'appendonly is off: a Redis restart brings back the last RDB snapshot, older than the events clients hold ' +
        '(they get reset + snapshot, and writes since that snapshot are lost); appendonly yes is recommended',
    );
  } else if (report.aof === null) {
    report.warnings.push('cannot read the persistence settings: appendonly yes is recommended');
  }
  for (const warning of report.warnings) log.warn({ redisSetting: true }, `Redis settings: ${warning}`);
  if (report.warnings.length === 0)
    log.info({ maxmemoryPolicy: report.maxmemoryPolicy, aof: report.aof }, 'Redis settings ok');
  return report;
}
