import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisSettings, createRedisPair, type RedisPair } from './redis';
import { RedisClusterProcess } from './test-support/redis-cluster';
import { hasRedisServer, RedisServerProcess } from './test-support/redis-server';

function recordingLog() {
  const warnings: string[] = [];
  return {
    warnings,
    warn: (_obj: object, msg: string) => warnings.push(msg),
    info: () => undefined,
  };
}

describe('checkRedisSettings', () => {
  it('checks nothing and warns about nothing on the embedded ioredis-mock', async () => {
    const pair = createRedisPair(undefined);
    const log = recordingLog();
    const report = await checkRedisSettings(pair.commands, log);
    expect(report.warnings).toEqual([]);
    expect(log.warnings).toEqual([]);
  });
});

describe.skipIf(!hasRedisServer)('checkRedisSettings (real Redis)', () => {
  let redis: RedisServerProcess;
  let pair: RedisPair;
  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    pair = createRedisPair(redis.url);
  });
  afterAll(async () => {
    pair.subscriber.disconnect();
    pair.commands.disconnect();
    await redis.stop();
  });

  it('warns, naming the risk, when Redis may evict keys and has no persistence', async () => {
    await pair.commands.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const log = recordingLog();
    const report = await checkRedisSettings(pair.commands, log);
    expect(report.maxmemoryPolicy).toBe('allkeys-lru');
    expect(log.warnings.join('\n')).toMatch(/allkeys-lru, not noeviction: .*evict tasks, event logs/);
    expect(log.warnings.join('\n')).toMatch(/no persistence .* loses every task/);
  });

  it('is satisfied with noeviction and the append-only file', async () => {
    await pair.commands.config('SET', 'maxmemory-policy', 'noeviction');
    await pair.commands.config('SET', 'appendonly', 'yes');
    const log = recordingLog();
    const report = await checkRedisSettings(pair.commands, log);
    expect(report).toMatchObject({ maxmemoryPolicy: 'noeviction', aof: true, warnings: [] });
    expect(log.warnings).toEqual([]);
  });

  it('falls back to INFO when CONFIG is disabled (managed Redis)', async () => {
    const withoutConfig = Object.create(pair.commands, {
      config: { value: () => Promise.reject(new Error("ERR unknown command 'config'")) },
    }) as typeof pair.commands;
    const report = await checkRedisSettings(withoutConfig, recordingLog());
    expect(report.maxmemoryPolicy).toBe('noeviction');
    expect(report.aof).toBe(true);
    expect(report.warnings).toEqual([]);
  });
});

describe.skipIf(!hasRedisServer)('checkRedisSettings (Redis Cluster)', () => {
  it('checks every master, once the client knows them', async () => {
    const cluster = await RedisClusterProcess.start({ masters: 3 });
    const pair = createRedisPair(undefined, { clusterNodes: cluster.seeds.split(',') });
    try {
      const log = recordingLog();
      // Called before the client has connected, as the server does at start.
      const report = await checkRedisSettings(pair.commands, log);
      expect(report.aof).toBe(false);
      expect(log.warnings).toHaveLength(3);
      for (const warning of log.warnings) expect(warning).toMatch(/no persistence/);
    } finally {
      pair.subscriber.disconnect();
      pair.commands.disconnect();
      await cluster.stop();
    }
  }, 30_000);
});
