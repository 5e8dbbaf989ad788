import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { Config } from './config';
import { createHttpServer } from './http-timeouts';
import { createLogger } from './logger';
import { createRedisPair, type RedisPair } from './redis';
import { type AppServices, createServices } from './services';
import { createStreamFront } from './sse/stream-front';

export interface ServerDeps {
  redis?: RedisPair;
  log?: Logger;
  /** Serve the built SPA; off when Vite's dev server serves it. Default true. */
  serveSpa?: boolean;
}

interface Closable {
  /** Graceful stop: refuse new work, send every stream a jittered `retry:` and end it, close Redis. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * The whole server wired once, not yet listening: `startServer` listens, Vite mounts `app`.
 * @public vite.config.ts loads it by path through `ssrLoadModule`, which knip cannot follow.
 */
export interface TaskstreamServer extends Closable {
  app: Express;
  services: AppServices;
  httpServer: Server;
  listen(): Promise<{ url: string; port: number }>;
}

export interface RunningServer extends Closable {
  url: string;
  port: number;
  server: Server;
  services: AppServices;
}

/** Jitter window for reconnects when draining: clients come back spread over this many ms. */
const DRAIN_SPREAD_MS = 5000;

/** @public Used by `startServer` and, by path, by vite.config.ts's embedded dev server. */
export async function createServer(config: Config, deps: ServerDeps = {}): Promise<TaskstreamServer> {
  const log = deps.log ?? createLogger(config.LOG_LEVEL);
  const redis =
    deps.redis ??
    createRedisPair(config.REDIS_URL, {
      commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
      clusterNodes: config.REDIS_CLUSTER_NODES,
    });
  redis.commands.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  const services = createServices(config, redis, log);
  await services.bus.start();
  const app = createApp(services, { serveSpa: deps.serveSpa ?? true });
  // Streams are served before Express sees them (server/sse/stream-front.ts).
  const streamFront = createStreamFront(services);
  // Request timeouts bound receiving a request only; event streams stay open (http-timeouts.ts).
  const httpServer = createHttpServer((req, res) => {
    if (!streamFront(req, res)) app(req, res);
  });

  async function listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.PORT, config.HOST, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const url = `http://${host}:${port}`;
    log.info(
      {
        url,
        redis: redis.embedded
          ? 'embedded (ioredis-mock)'
          : config.REDIS_CLUSTER_NODES
            ? 'cluster'
            : 'external',
      },
      'taskstream server listening',
    );
    return { url, port };
  }

  let closing: Promise<void> | null = null;
  async function close({ timeoutMs = 8000 } = {}): Promise<void> {
    closing ??= (async () => {
      // A server that never listened (Vite's embedded one) has no sockets of its own to wait for.
      const stopped = httpServer.listening
        ? new Promise<void>((resolve) => httpServer.close(() => resolve()))
        : Promise.resolve();
      services.stallSweeper.stop();
      services.streams.drain(DRAIN_SPREAD_MS);
      httpServer.closeIdleConnections();
      await services.runner.stopAll();
      httpServer.closeIdleConnections();
      // Sockets that never sent a request are not "idle" to Node and would hold close() until the
      // client's own idle timeout: in-flight requests get a short grace, then everything is closed.
      const grace = setTimeout(() => httpServer.closeAllConnections(), Math.min(timeoutMs, 1000));
      const hard = setTimeout(() => httpServer.closeAllConnections(), timeoutMs);
      await stopped;
      clearTimeout(grace);
      clearTimeout(hard);
      redis.subscriber.disconnect();
      await redis.commands.quit().catch(() => undefined);
      log.info('taskstream server stopped');
    })();
    return closing;
  }

  return { app, services, httpServer, listen, close };
}

/** `createServer` and listen on `config.PORT` (0 picks a free port, as tests do). */
export async function startServer(config: Config, deps: ServerDeps = {}): Promise<RunningServer> {
  const server = await createServer(config, deps);
  const { url, port } = await server.listen();
  return { url, port, server: server.httpServer, services: server.services, close: server.close };
}
