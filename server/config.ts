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
  /** Dev sign-in users as `name:password` pairs, comma-separated. */
  DEV_USERS: z
    .string()
    .default('alice:demo,bob:demo')
    .transform((s, ctx) => {
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
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
