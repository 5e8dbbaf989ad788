import { readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
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
      const [{ loadConfig }, { createServer }] = await Promise.all([
        load<typeof import('./server/config')>('/server/config.ts'),
        load<typeof import('./server/start-server')>('/server/start-server.ts'),
      ]);
      const taskstream = await createServer(loadConfig({ LOG_LEVEL: 'warn', ...process.env }), {
        serveSpa: false,
      });
      const { app } = taskstream;
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const url = req.url ?? '';
        if (url.startsWith('/api/') || url === '/api' || url.startsWith('/metrics')) {
          app(req as Parameters<typeof app>[0], res as Parameters<typeof app>[1]);
          return;
        }
        next();
      });
      server.httpServer?.once('close', () => void taskstream.close());
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

const compressible = /\.(?:js|mjs|css|html|svg|json|txt|webmanifest)$/;
const toBrotli = promisify(brotliCompress);
const toGzip = promisify(gzip);

/**
 * Writes `.br` and `.gz` beside every text file of the bundle, at maximum quality, once per build:
 * the server sends them as they are (server/static.ts), so no request pays for compression and
 * `/api/events` never passes through a compressor. node:zlib does it in a few lines, so no plugin
 * dependency. A copy that would not be smaller is not written.
 */
function precompress(): Plugin {
  return {
    name: 'taskstream-precompress',
    apply: 'build',
    async writeBundle({ dir }, bundle) {
      if (!dir) return;
      const files = Object.keys(bundle).filter((name) => compressible.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = resolve(dir, name);
          const raw = await readFile(file);
          const [br, gz] = await Promise.all([
            toBrotli(raw, {
              params: {
                [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
                [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length,
              },
            }),
            toGzip(raw, { level: zlib.Z_BEST_COMPRESSION }),
          ]);
          if (br.length < raw.length) await writeFile(`${file}.br`, br);
          if (gz.length < raw.length) await writeFile(`${file}.gz`, gz);
        }),
      );
    },
  };
}

const apiUrl = process.env.TASKSTREAM_API_URL;

export default defineConfig({
  plugins: [react(), tailwindcss(), embeddedServer(), dropMockServiceWorker(), precompress()],
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
    // Maps stay on disk for an error tracker; no `sourceMappingURL` points at them and the server
    // refuses `.map` requests, so the source is not published.
    sourcemap: 'hidden',
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            // Only the Operations page draws charts: keep uPlot out of the chunk every page loads.
            { name: 'uplot', test: /node_modules[\\/]uplot[\\/]/ },
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
