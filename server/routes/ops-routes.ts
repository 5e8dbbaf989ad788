import { Router } from 'express';
import type { HealthResponse } from '../../protocol';
import type { AppServices } from '../services';

/** Operator endpoints: no auth, no per-user data. */
export function opsRoutes(s: AppServices): Router {
  const router = Router();

  router.get('/api/health', async (_req, res) => {
    const redisUp = await pingWithin(s, 1000);
    const { averageConnectionMs, connectionErrors, ...connections } = s.streams.stats();
    const body: HealthResponse = {
      status: redisUp && s.bus.isSubscribed ? 'ok' : 'degraded',
      redis: redisUp ? 'up' : 'down',
      connections,
      averageConnectionMs,
      connectionErrors,
      uptimeS: Math.round((Date.now() - s.startedAt) / 1000),
    };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  });

  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
  });

  return router;
}

async function pingWithin(s: AppServices, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([s.redis.commands.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
