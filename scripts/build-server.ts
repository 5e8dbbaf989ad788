import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** What `npm start` runs with plain `node`. One folder below the root, as server/*.ts are (see server/static.ts). */
export const serverBundle = path.join(repoRoot, 'dist-server', 'index.js');

/**
 * Bundles the server's TypeScript into one ESM file for Node. Packages stay external: they load
 * from node_modules at run time (ioredis-mock included, as the embedded default), so the bundle is
 * only our code and needs no TypeScript loader.
 */
export async function buildServer(
  entry = path.join(repoRoot, 'server', 'index.ts'),
  outfile = serverBundle,
): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    // Lets the server know it runs as built, i.e. as deployed (production warnings).
    define: { TASKSTREAM_BUNDLE: 'true' },
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer();
}
