/**
 * `npm run size`: the JavaScript each route loads first, gzip, read from a production build's
 * manifest (`vite build --manifest`). "First" is the entry's static import graph plus the route's
 * lazy page and that page's static imports; chunks the app imports later (the progress stack
 * and motion, after the first paint) are listed apart.
 *
 *   npm run size                  build, then print the table
 *   npx tsx bench/bundle-size.ts  print the table of the build already in dist/
 *   options: --dist <dir> (default dist), --json (machine-readable)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const { values: args } = parseArgs({
  options: { dist: { type: 'string', default: 'dist' }, json: { type: 'boolean', default: false } },
});

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    dynamicImports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

/** Each route and the source module of its lazy page (null: the page ships in the entry). */
const routes: ReadonlyArray<{ route: string; page: string | null }> = [
  { route: '/communities (signed-in first page)', page: null },
  { route: '/sign-in', page: 'web/features/auth/components/sign-in-page.tsx' },
  { route: '/demo', page: 'web/demo/demo-page.tsx' },
  { route: '/reddit', page: 'web/features/reddit/components/reddit-page.tsx' },
  { route: '/runs', page: 'web/features/runs/components/runs-page.tsx' },
  { route: '/purchase-orders', page: 'web/features/purchase-orders/components/purchase-orders-page.tsx' },
  { route: '/operations', page: 'web/features/operations/components/operations-page.tsx' },
];

/** Loaded by the app after the first paint, whatever the route. */
const afterFirstPaint = ['web/features/progress/components/global-progress.tsx'];

const distDir = path.resolve(args.dist);
const manifestPath = path.join(distDir, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(
    `${manifestPath} is missing: build with \`npx vite build --manifest\` first (npm run size does).`,
  );
  process.exit(1);
}
const manifest: Manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));

const gzipCache = new Map<string, number>();
function gzipBytes(file: string): number {
  let size = gzipCache.get(file);
  if (size === undefined) {
    size = gzipSync(readFileSync(path.join(distDir, file)), { level: 9 }).length;
    gzipCache.set(file, size);
  }
  return size;
}

function chunk(key: string) {
  const entry = manifest[key];
  if (!entry)
    throw new Error(`${key} is not in the manifest: is the route table in bench/bundle-size.ts current?`);
  return entry;
}

/** The chunks `keys` load before running: themselves and their static imports, transitively. */
function staticClosure(keys: readonly string[], into = new Set<string>()): Set<string> {
  for (const key of keys) {
    if (into.has(key)) continue;
    into.add(key);
    staticClosure(chunk(key).imports ?? [], into);
  }
  return into;
}

const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
if (!entryKey) throw new Error('the manifest names no entry');

interface Row {
  route: string;
  jsGzipKB: number;
  cssGzipKB: number;
  files: string[];
}

/** kB of 1,000 bytes, as Vite reports them. */
const kb = (bytes: number) => Math.round(bytes / 100) / 10;

function measure(route: string, keys: readonly string[], exclude = new Set<string>()): Row {
  const chunks = [...staticClosure(keys)].filter((key) => !exclude.has(key));
  const files = chunks.map((key) => chunk(key).file);
  const css = [...new Set(chunks.flatMap((key) => chunk(key).css ?? []))];
  return {
    route,
    jsGzipKB: kb(files.reduce((sum, file) => sum + gzipBytes(file), 0)),
    cssGzipKB: kb(css.reduce((sum, file) => sum + gzipBytes(file), 0)),
    files,
  };
}

const rows = routes.map(({ route, page }) => measure(route, page ? [entryKey, page] : [entryKey]));
const firstLoad = staticClosure([entryKey]);
const later = afterFirstPaint.map((key) => measure(`later: ${key}`, [key], firstLoad));

if (args.json) {
  console.log(JSON.stringify({ routes: rows, afterFirstPaint: later }, null, 2));
} else {
  console.log('| route | first-load JS, gzip | CSS, gzip | chunks |');
  console.log('|---|---:|---:|---|');
  for (const row of [...rows, ...later]) {
    const names = row.files.map((file) => path.basename(file).replace(/-[\w-]{8}\.js$/, '')).join(', ');
    console.log(`| ${row.route} | ${row.jsGzipKB} kB | ${row.cssGzipKB} kB | ${names} |`);
  }
}
