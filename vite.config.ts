import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * `npm run dev`: the real server logic (routes, runners, SSE) mounted into Vite's dev server on
 * ioredis-mock, so the SPA and the API share one origin and tasks really run. With
 * `TASKSTREAM_API_URL=http://127.0.0.1:3000` the SPA is proxied to a separately started server
 * (on a real Redis) instead.
 */
function embeddedServer(): Plugin {
  return {
    name: 'taskstream-embedded-server',
    apply: 'serve',
    async configureServer(server) {
      // `--mode mocks` (npm run dev:mocks) answers from MSW in the browser: no server at all.
      if (process.env.TASKSTREAM_API_URL || server.config.mode === 'mocks') return;
      // Loaded through Vite's SSR loader (not bundled into this config): the server's own TS as is.
      const load = <T>(path: string) => server.ssrLoadModule(path) as Promise<T>;
      const [{ loadConfig }, { createRedisPair }, { createServices }, { createApp }, { createLogger }] =
        await Promise.all([
          load<typeof import('./server/config')>('/server/config.ts'),
          load<typeof import('./server/redis')>('/server/redis.ts'),
          load<typeof import('./server/services')>('/server/services.ts'),
          load<typeof import('./server/app')>('/server/app.ts'),
          load<typeof import('./server/logger')>('/server/logger.ts'),
        ]);
      const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, STATIC_DIR: '/nonexistent' });
      const log = createLogger(config.LOG_LEVEL);
      const redis = createRedisPair(config.REDIS_URL);
      const services = createServices(config, redis, log);
      await services.bus.start();
      const app = createApp(services);
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const url = req.url ?? '';
        if (url.startsWith('/api/') || url === '/api' || url.startsWith('/metrics')) {
          app(req as Parameters<typeof app>[0], res as Parameters<typeof app>[1]);
          return;
        }
        next();
      });
      server.httpServer?.once('close', () => {
        services.streams.drain(0);
        void services.runner.stopAll();
        redis.subscriber.disconnect();
        redis.commands.disconnect();
      });
    },
  };
}

/**
 * MSW's service worker lives in `public/` for the dev server; a production build must not ship it
 * (nothing of MSW does: the app imports it only dynamically behind `import.meta.env.DEV`).
 */
function dropMockServiceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'taskstream-drop-mock-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await rm(resolve(outDir, 'mockServiceWorker.js'), { force: true });
    },
  };
}

const apiUrl = process.env.TASKSTREAM_API_URL;

export default defineConfig({
  plugins: [react(), tailwindcss(), embeddedServer(), dropMockServiceWorker()],
  server: {
    proxy: apiUrl
      ? {
          // http-proxy streams responses as they come; SSE is never buffered.
          '/api': { target: apiUrl, changeOrigin: false, ws: false },
          '/metrics': { target: apiUrl },
        }
      : undefined,
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            // Motion is left out of any group: its animation features are a lazy chunk of their own
            // (LazyMotion), which a group would pull back into the first load.
            {
              name: 'vendor',
              test: /node_modules[\\/](?!(motion|framer-motion|motion-dom|motion-utils)[\\/])/,
            },
          ],
        },
      },
    },
  },
});
