import { isIP } from 'node:net';
import { z } from 'zod';

const intFrom = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const redisCommandTimeoutSchema = intFrom(50, 600_000).default(2000);

/** REDIS_COMMAND_TIMEOUT_MS alone, for code that makes Redis connections without the whole config. */
export function redisCommandTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const parsed = redisCommandTimeoutSchema.safeParse(env.REDIS_COMMAND_TIMEOUT_MS || undefined);
  return parsed.success ? parsed.data : 2000;
}

/** Environment variables the server reads; every one optional with a documented default. */
const envSchema = z.object({
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * A Redis command that has no reply after this many ms fails (the request answers 503) instead
   * of waiting out a stalled Redis. Applies to the command connection, not the subscriber.
   */
  REDIS_COMMAND_TIMEOUT_MS: redisCommandTimeoutSchema,
  /** Unset: ioredis-mock in-process (the embedded default). Set: a real Redis. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * Seed nodes of a Redis Cluster, `host:port,host:port,…` (any reachable subset; the rest is
   * discovered). Set: the cluster instead of REDIS_URL, with sharded pub/sub (Redis ≥ 7).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port,host:port,…'))
        .min(1, 'must name at least one host:port'),
    )
    .optional(),
  /** HS256 secret for session JWTs; at least 32 characters. Unset: a random one per start. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Bearer token for `/api/worker/*` and progress ingestion. Unset: those routes answer 404. */
  WORKER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HEARTBEAT_MS: intFrom(100, 300_000).default(15_000),
  MAX_STREAMS_PER_USER: intFrom(1, 100_000).default(10),
  SIMULATION_SPEED: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
    .transform(Number)
    .pipe(z.number().positive().max(10_000))
    .default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated origins allowed to call the API with credentials (besides same-origin). */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url())),
  /** Per-user event log length kept for `Last-Event-ID` replay. */
  EVENT_LOG_SIZE: intFrom(10, 100_000).default(1000),
  /** A stream whose unsent buffer passes this many bytes is cut off (it resumes by id). */
  MAX_STREAM_BUFFER_BYTES: intFrom(16 * 1024, 256 * 1024 * 1024).default(1024 * 1024),
  /** Base reconnect delay sent as `retry:`, in ms. */
  RETRY_MS: intFrom(100, 600_000).default(1000),
  /** Sign-in attempts allowed per client address per minute. */
  LOGIN_RATE_LIMIT: intFrom(1, 100_000).default(20),
  /** Directory of the built SPA to serve; default `dist/` beside the repository root. */
  STATIC_DIR: z.string().optional(),

  // Edge and reliability settings (issue 8).
  /**
   * Dev sign-in users as `name:password` pairs, comma-separated. Unset: `alice:demo,bob:demo`,
   * except with NODE_ENV=production, where unset means none. Empty: none.
   */
  DEV_USERS: z.string().transform((s, ctx) => {
    const users: Array<{ name: string; password: string }> = [];
    for (const pair of s.split(',').filter(Boolean)) {
      const i = pair.indexOf(':');
      const name = pair.slice(0, i);
      if (i < 1 || !/^[A-Za-z0-9_.@-]{1,64}$/.test(name) || i === pair.length - 1) {
        ctx.addIssue({ code: 'custom', message: `"${name || pair}" is not name:password` });
        return z.NEVER;
      }
      users.push({ name, password: pair.slice(i + 1) });
    }
    return users;
  }),
  /**
   * Which proxies may set `X-Forwarded-For` (the client address the login limit counts):
   * a hop count, or a comma-separated list of `loopback`, `linklocal`, `uniquelocal`, IPs and
   * CIDRs. Unset: none, the socket's peer address is the client.
   */
  TRUST_PROXY: z
    .string()
    .transform((s, ctx): number | string[] => {
      if (/^\d+$/.test(s)) return Number(s);
      const entries = s
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      for (const entry of entries) {
        if (!isTrustedProxyEntry(entry)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${entry}" is not a hop count, loopback, linklocal, uniquelocal, an IP or a CIDR`,
          });
          return z.NEVER;
        }
      }
      return entries;
    })
    .optional(),
  /** `POST /api/auth/signup` on (`true`) or off (`false`). Unset: on, except with NODE_ENV=production. */
  ALLOW_SIGNUP: z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true'),
  /** A pending or running task not updated for this long is failed as "The worker stopped responding". */
  TASK_STALL_TIMEOUT_MS: intFrom(1000, 7 * 24 * 60 * 60 * 1000).default(120_000),
});

const namedProxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What Express's `trust proxy` accepts besides `true` (which would let any client pick its address). */
function isTrustedProxyEntry(entry: string): boolean {
  if (namedProxyRanges.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

const DEMO_USERS = 'alice:demo,bob:demo';

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string | undefined> = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  // An empty DEV_USERS is the way to say "none", so it is not read as unset; production has no
  // demo logins unless they are configured.
  input.DEV_USERS = env.DEV_USERS ?? (env.NODE_ENV === 'production' ? '' : DEMO_USERS);
  input.ALLOW_SIGNUP ??= env.NODE_ENV === 'production' ? 'false' : 'true';
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.REDIS_URL && parsed.data.REDIS_CLUSTER_NODES) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a cluster), not both',
    );
  }
  return parsed.data;
}

/**
 * What a deployment loses by leaving a variable unset, one line each for the operator. The server
 * still starts (a single demo box may want exactly that), but says so where it cannot be missed.
 */
export function productionWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.JWT_SECRET) {
    warnings.push(
      'JWT_SECRET is not set: each start makes a random secret, so every restart signs everyone out.',
    );
  }
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES) {
    warnings.push(
      'REDIS_URL is not set: tasks live in this process (ioredis-mock), so a restart loses them all and a second process sees none of them.',
    );
  }
  return warnings;
}
