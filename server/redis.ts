import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

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

export function createRedisPair(url: string | undefined): RedisPair {
  if (!url) {
    const commands = new RedisMock({ port: 10_000 + embeddedInstances++ }) as unknown as Redis;
    return { commands, subscriber: commands.duplicate(), embedded: true };
  }
  const options = {
    // Fail commands fast while Redis is away instead of queueing them without bound.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2000),
  };
  const commands = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null });
  return { commands, subscriber, embedded: false };
}
