import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';

/** Vite puts every content-hashed file here; nothing else does. */
const HASHED_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything not hashed (index.html above all) is revalidated on each load, so a deploy shows at once. */
const REVALIDATE = 'no-cache';

/**
 * Where `npm run build` writes the SPA. Both this file (server/static.ts, run by tsx) and the
 * bundle (dist-server/index.js) sit one folder below the repository root, so `..` is the root
 * from either; the production-build e2e test runs the bundle without STATIC_DIR to hold that.
 */
export function defaultStaticDir(): string {
  return path.join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
}

/**
 * After `npm run build`, the same process serves the SPA: one origin, one process. Files are sent
 * precompressed (`.br`/`.gz` written at build time, chosen by `Accept-Encoding`), so nothing is
 * compressed per request and `/api/events` is never near a compressor. Source maps are kept on
 * disk for error tracking but never served.
 */
export function serveBuiltSpa(app: Express, staticDir: string): void {
  // Absolute, as the paths serve-static hands to setHeaders are (STATIC_DIR may be relative).
  const dir = path.resolve(staticDir);
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return;
  const files = expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: { index: false, cacheControl: false, setHeaders: setCacheControl(dir) },
  }) as RequestHandler;

  app.use((req, res, next) => {
    if (req.path.endsWith('.map')) return res.status(404).end();
    next();
  });
  app.use(files);
  app.use((req, res, next) => {
    const isPage = (req.method === 'GET' || req.method === 'HEAD') && !isServerPath(req.path);
    // A missing hashed file (an old chunk after a deploy) is a 404, not index.html parsed as JS.
    if (!isPage || req.path.startsWith(HASHED_PREFIX)) return next();
    req.url = '/index.html';
    files(req, res, next);
  });
}

function isServerPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/metrics');
}

function setCacheControl(dir: string): (res: ServerResponse, file: string) => void {
  const hashedDir = path.join(dir, HASHED_PREFIX);
  return (res, file) => {
    res.setHeader('Cache-Control', file.startsWith(hashedDir) ? IMMUTABLE : REVALIDATE);
  };
}
