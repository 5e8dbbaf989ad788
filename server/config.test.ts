import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, productionWarnings } from './config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The message of the ConfigError `env` makes loadConfig throw. */
function configErrorFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError, the configuration loaded');
}

describe('loadConfig', () => {
  it('returns the documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      HEARTBEAT_MS: 15_000,
      MAX_STREAMS_PER_USER: 10,
      SIMULATION_SPEED: 1,
      LOG_LEVEL: 'info',
      CORS_ORIGINS: [],
      DEV_USERS: [
        { name: 'alice', password: 'demo' },
        { name: 'bob', password: 'demo' },
      ],
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.JWT_SECRET).toBeUndefined();
    expect(config.WORKER_TOKEN).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' })).toMatchObject({ PORT: 3000, REDIS_URL: undefined });
  });

  it('parses numbers, URLs and lists when they are valid', () => {
    const config = loadConfig({
      PORT: '8080',
      REDIS_URL: 'redis://localhost:6379/2',
      HEARTBEAT_MS: '500',
      SIMULATION_SPEED: '2.5',
      CORS_ORIGINS: 'http://a.example, http://b.example',
      DEV_USERS: 'carol:secret:with:colons',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config).toMatchObject({
      PORT: 8080,
      REDIS_URL: 'redis://localhost:6379/2',
      HEARTBEAT_MS: 500,
      SIMULATION_SPEED: 2.5,
      CORS_ORIGINS: ['http://a.example', 'http://b.example'],
      DEV_USERS: [{ name: 'carol', password: 'secret:with:colons' }],
    });
  });

  it('reads REDIS_CLUSTER_NODES as a list of seed nodes', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' }).REDIS_CLUSTER_NODES).toEqual([
      '10.0.0.1:7000',
      'redis-b:7001',
    ]);
  });

  it('refuses REDIS_CLUSTER_NODES that are not host:port, or set beside REDIS_URL', () => {
    expect(configErrorFor({ REDIS_CLUSTER_NODES: 'redis://a:7000' })).toContain('REDIS_CLUSTER_NODES');
    expect(configErrorFor({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://b:6379' })).toMatch(
      /REDIS_CLUSTER_NODES: set either REDIS_URL .* or REDIS_CLUSTER_NODES/,
    );
  });

  it('names every bad variable in one error when several are bad', () => {
    const message = configErrorFor({
      PORT: 'abc',
      HEARTBEAT_MS: '-1',
      REDIS_URL: 'http://x',
      JWT_SECRET: 'short',
    });
    for (const name of ['PORT', 'HEARTBEAT_MS', 'REDIS_URL', 'JWT_SECRET']) expect(message).toContain(name);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['HEARTBEAT_MS', '0'],
    ['MAX_STREAMS_PER_USER', 'ten'],
    ['SIMULATION_SPEED', '-2'],
    ['LOG_LEVEL', 'verbose'],
    ['WORKER_TOKEN', 'short'],
    ['CORS_ORIGINS', 'not a url'],
    ['CORS_ORIGINS', '*'],
    ['DEV_USERS', 'nopassword'],
    ['LOGIN_RATE_LIMIT', '0'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '-1'],
    ['TRUST_PROXY', 'loopback,proxy.example'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.0/8/1'],
    ['TRUST_PROXY', '::1/129'],
    ['TASK_STALL_TIMEOUT_MS', '10'],
  ])('names %s when it is %j', (name, value) => {
    const message = configErrorFor({ [name]: value });
    expect(message).toContain(name);
  });

  describe('DEV_USERS', () => {
    it('has no demo logins when NODE_ENV is production and DEV_USERS is unset', () => {
      expect(loadConfig({ NODE_ENV: 'production' }).DEV_USERS).toEqual([]);
    });

    it('has no demo logins when DEV_USERS is empty', () => {
      expect(loadConfig({ DEV_USERS: '' }).DEV_USERS).toEqual([]);
      expect(loadConfig({ DEV_USERS: '', NODE_ENV: 'production' }).DEV_USERS).toEqual([]);
    });

    it('keeps the configured logins when NODE_ENV is production and DEV_USERS is set', () => {
      expect(loadConfig({ NODE_ENV: 'production', DEV_USERS: 'ops:s3cret' }).DEV_USERS).toEqual([
        { name: 'ops', password: 's3cret' },
      ]);
    });
  });

  describe('TRUST_PROXY', () => {
    it('trusts no proxy when unset', () => {
      expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    });

    it('reads a hop count as a number', () => {
      expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    });

    it('reads named ranges, IPs and CIDRs as a list', () => {
      expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8,192.168.1.7' }).TRUST_PROXY).toEqual([
        'loopback',
        '10.0.0.0/8',
        'fd00::/8',
        '192.168.1.7',
      ]);
    });
  });

  it('fails a task after 120 s without an update by default', () => {
    expect(loadConfig({}).TASK_STALL_TIMEOUT_MS).toBe(120_000);
  });

  it('leaves valid variables out of the error when only one is bad', () => {
    const message = configErrorFor({ PORT: 'abc', HEARTBEAT_MS: '1000' });
    expect(message).toContain('PORT');
    expect(message).not.toContain('HEARTBEAT_MS');
  });
});

describe('productionWarnings', () => {
  it('names JWT_SECRET and REDIS_URL when both are unset', () => {
    const warnings = productionWarnings(loadConfig({}));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^JWT_SECRET .*signs everyone out/);
    expect(warnings[1]).toMatch(/^REDIS_URL .*loses them/);
  });

  it('says nothing when both are set', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32), REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(productionWarnings(config)).toEqual([]);
  });
});

describe('node --import tsx server/index.ts', () => {
  it('exits non-zero naming PORT when PORT is not a number', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: 'abc', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // A server that wrongly starts would never exit: stop it, and the test fails on the exit code.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(guard);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain('PORT');
  }, 60_000);
});
