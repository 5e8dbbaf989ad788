import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config';
import { createHttpServer } from './http-timeouts';
import { createLogger } from './logger';
import { createRedisPair, type RedisPair } from './redis';
import { type AppServices, createServices } from './services';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  services: AppServices;
  /** Graceful stop: refuse new work, send every stream a jittered `retry:` and end it, close Redis. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Jitter window for reconnects when draining: clients come back spread over this many ms. */
const DRAIN_SPREAD_MS = 5000;

export async function startServer(
  config: Config,
  deps: { redis?: RedisPair; log?: Logger } = {},
): Promise<RunningServer> {
  const log = deps.log ?? createLogger(config.LOG_LEVEL);
  const redis = deps.redis ?? createRedisPair(config.REDIS_URL);
  redis.commands.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  const services = createServices(config, redis, log);
  await services.bus.start();
  const app = createApp(services);
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const url = `http://${host}:${port}`;
  log.info(
    { url, redis: redis.embedded ? 'embedded (ioredis-mock)' : 'external' },
    'taskstream server listening',
  );

  let closing: Promise<void> | null = null;
  async function close({ timeoutMs = 8000 } = {}): Promise<void> {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      services.stallSweeper.stop();
      services.streams.drain(DRAIN_SPREAD_MS);
      server.closeIdleConnections();
      await services.runner.stopAll();
      server.closeIdleConnections();
      // Sockets that never sent a request are not "idle" to Node and would hold close() until the
      // client's own idle timeout: in-flight requests get a short grace, then everything is closed.
      const grace = setTimeout(() => server.closeAllConnections(), Math.min(timeoutMs, 1000));
      const hard = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await stopped;
      clearTimeout(grace);
      clearTimeout(hard);
      redis.subscriber.disconnect();
      await redis.commands.quit().catch(() => undefined);
      log.info('taskstream server stopped');
    })();
    return closing;
  }

  return { url, port, server, services, close };
}
