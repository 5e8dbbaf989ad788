import { Redis, type RedisOptions } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { redisCommandTimeoutMs } from './config';

/**
 * The process's two Redis connections: one for commands, one subscriber shared by every stream.
 * `REDIS_URL` unset gives ioredis-mock in-process, behind the same ioredis interface.
 */
export interface RedisPair {
  commands: Redis;
  subscriber: Redis;
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

export function createRedisPair(
  url: string | undefined,
  { commandTimeoutMs = redisCommandTimeoutMs() }: { commandTimeoutMs?: number } = {},
): RedisPair {
  if (!url) {
    const commands = new RedisMock({ port: 10_000 + embeddedInstances++ }) as unknown as Redis;
    return { commands, subscriber: commands.duplicate(), embedded: true };
  }
  const options = requestConnectionOptions(commandTimeoutMs);
  const commands = new Redis(url, options);
  // The subscriber waits for messages by design (no timeout) and keeps (re)subscribing for ever.
  const subscriber = new Redis(url, { ...options, commandTimeout: undefined, maxRetriesPerRequest: null });
  return { commands, subscriber, embedded: false };
}
