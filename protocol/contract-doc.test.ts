/**
 * Keeps docs/contract.md true to the code: every name a client can meet on the wire (route, event,
 * task status, type and trigger, error code) must be written down there. It reads the server's
 * source as text, not as modules, so protocol/ still imports nothing of server/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { streamEventNames } from './events';
import { taskStatuses, taskTriggers } from './task';
import { taskTypeNames } from './task-types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contract = readFileSync(path.join(repoRoot, 'docs/contract.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.includes(`${path.sep}test-support${path.sep}`));
}

/**
 * The production source of the server and of the shared rules in protocol/, so that a route or
 * an error that moves between the two is still found.
 */
const serverSource = [...sourceFiles('server'), ...sourceFiles('protocol')].map((file) =>
  readFileSync(file, 'utf8'),
);

function matchesIn(sources: string[], pattern: RegExp): string[] {
  return [
    ...new Set(sources.flatMap((text) => [...text.matchAll(pattern)].map((m) => m.slice(1).join(' ')))),
  ];
}

/** `GET /api/tasks/:id` for every `router.get('/api/tasks/:id', …)` (or `app.…`) the server registers. */
const registeredRoutes = matchesIn(
  serverSource,
  /\b(?:router|app)\.(get|post|put|patch|delete|head)\(\s*'(\/[^']*)'/g,
).map((route) => {
  const [method = '', routePath = ''] = route.split(' ');
  return `${method.toUpperCase()} ${routePath}`;
});

/** Codes of `new AppError('code', …)` and of `validationError(err, 'code')` (both branches of a `?:`). */
const errorCodes = [
  ...new Set([
    ...matchesIn(serverSource, /new AppError\(\s*'([a-z-]+)'/g),
    ...matchesIn(serverSource, /validationError\([^;]*?'([a-z-]+)'/g),
    ...matchesIn(serverSource, /validationError\([^;]*?\?\s*'[a-z-]+'\s*:\s*'([a-z-]+)'/g),
  ]),
];

function missingFromContract(names: readonly string[]): string[] {
  return names.filter((name) => !contract.includes(`\`${name}\``));
}

describe('docs/contract.md', () => {
  it('lists every route the server registers', () => {
    // A route list this short means the pattern no longer finds the routes: fix the pattern.
    expect(registeredRoutes.length).toBeGreaterThanOrEqual(15);
    expect(registeredRoutes.filter((route) => !contract.includes(`\`${route}\``))).toEqual([]);
  });

  it('names every stream event', () => {
    expect(missingFromContract(streamEventNames)).toEqual([]);
  });

  it('names every task status, type and trigger', () => {
    expect(missingFromContract([...taskStatuses, ...taskTypeNames, ...taskTriggers])).toEqual([]);
  });

  it('lists every error code the server answers with', () => {
    expect(errorCodes.length).toBeGreaterThanOrEqual(20);
    expect(missingFromContract(errorCodes)).toEqual([]);
  });

  it('points only inside the repository', () => {
    const outside = ['..', 'shared'].join('/');
    expect(contract).not.toContain(outside);
  });
});
