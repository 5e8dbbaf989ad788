import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { SessionTokens } from '../auth/session-tokens';
import { type Config, loadConfig } from '../config';
import { createRedisPair, type RedisPair } from '../redis';
import { type RunningServer, startServer } from '../start-server';
import { RedisClusterProcess } from './redis-cluster';
import { hasRedisServer, RedisServerProcess } from './redis-server';

export type Backend = 'mock' | 'real' | 'cluster';
/** Every server test runs against both; the real half needs Debian's redis-server. */
export const backends: Backend[] = hasRedisServer ? ['mock', 'real'] : ['mock'];
/**
 * Every suite that stores or streams through Redis runs on a real 3-master Redis Cluster too: a
 * cluster per test file, about 1.5 s to start. Only tests that need one Redis process (to restart
 * it, restore an RDB, stall it) stay on `backends` or on their own redis-server.
 */
export const backendsWithCluster: Backend[] = hasRedisServer ? [...backends, 'cluster'] : backends;
/** The backends several server processes can share (each has its own ioredis-mock): one Redis and the cluster. */
export const sharedBackends: Backend[] = backendsWithCluster.filter((b) => b !== 'mock');

export const TEST_JWT_SECRET = 'taskstream-test-secret-0123456789abcdef';
export const TEST_WORKER_TOKEN = 'worker-token-for-tests-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    WORKER_TOKEN: TEST_WORKER_TOKEN,
    LOG_LEVEL: 'silent',
    SIMULATION_SPEED: '50',
    LOGIN_RATE_LIMIT: '1000',
    ...overrides,
  });
}

let sharedRedis: Promise<RedisServerProcess> | null = null;
/** One real redis-server per test file, shared by its tests (isolated by unique user ids), stopped after. */
function sharedRedisServer(): Promise<RedisServerProcess> {
  sharedRedis ??= RedisServerProcess.start();
  return sharedRedis;
}

let sharedCluster: Promise<RedisClusterProcess> | null = null;
/** One real 3-master Redis Cluster per test file, shared like `sharedRedisServer`. */
function sharedRedisCluster(): Promise<RedisClusterProcess> {
  sharedCluster ??= RedisClusterProcess.start();
  return sharedCluster;
}

/** What `createRedisPair` and the server take to reach `backend`'s shared Redis (nothing for the mock). */
export async function redisEnv(backend: Backend): Promise<Record<string, string>> {
  if (backend === 'real') return { REDIS_URL: (await sharedRedisServer()).url };
  if (backend === 'cluster') return { REDIS_CLUSTER_NODES: (await sharedRedisCluster()).seeds };
  return {};
}

/** A command + subscriber pair on `backend`'s shared Redis (a fresh ioredis-mock for the mock); the caller closes it. */
export async function testRedisPair(backend: Backend): Promise<RedisPair> {
  const { REDIS_URL, REDIS_CLUSTER_NODES } = await redisEnv(backend);
  return createRedisPair(REDIS_URL, { clusterNodes: REDIS_CLUSTER_NODES?.split(',') });
}

// Registered while the test file is collected (hooks added from inside a running hook are ignored),
// so the file's redis-server (or cluster) is stopped by PID when the file is done.
afterAll(async () => {
  const started = [sharedRedis, sharedCluster];
  sharedRedis = null;
  sharedCluster = null;
  for (const redis of started) await (await redis)?.stop();
});

export interface TestServer extends RunningServer {
  backend: Backend;
  /** A bearer token for any user id (tokens are the identity; no user database). */
  tokenFor(userId: string, ttlS?: number): Promise<string>;
  /** JSON request helper; `as` signs it as that user with a bearer token. */
  api(path: string, init?: ApiInit): Promise<ApiResponse>;
}

interface ApiInit {
  method?: string;
  as?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  json: any;
  text: string;
}

const tokens = new SessionTokens(TEST_JWT_SECRET);

/** Starts the real app on port 0 against ioredis-mock, the file's real redis-server or its cluster. */
export async function startTestServer(
  backend: Backend,
  overrides: Record<string, string> = {},
): Promise<TestServer> {
  const env = { ...overrides };
  if (!env.REDIS_URL && !env.REDIS_CLUSTER_NODES) Object.assign(env, await redisEnv(backend));
  const running = await startServer(testConfig(env));
  const tokenFor = (userId: string, ttlS?: number) => tokens.sign(userId, ttlS);
  async function api(path: string, init: ApiInit = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.as) headers.authorization = `Bearer ${await tokenFor(init.as)}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${running.url}${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, json, text };
  }
  return { ...running, backend, tokenFor, api };
}

/** A user id no other test uses, so tests can share one Redis without flushing it. */
export function uniqueUser(prefix = 'user'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
