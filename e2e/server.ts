import { loadConfig } from '../server/config';
import type { RedisPair } from '../server/redis';
import { type RunningServer, startServer } from '../server/start-server';

/**
 * The real server on an ephemeral port, serving the built SPA from dist/, quiet, with a fixed
 * session secret; `env` adds or overrides settings (simulation speed, heartbeat, …).
 */
export function startE2eServer(env: Record<string, string> = {}, redis?: RedisPair): Promise<RunningServer> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'e2e-secret-0123456789abcdef0123456789',
    ...env,
  });
  return startServer(config, redis ? { redis } : {});
}
