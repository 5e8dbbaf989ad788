/**
 * Proves the walls `npm run lint` holds (.dependency-cruiser.cjs) catch a wrong import: the real
 * checker, with the repository's own rules, runs over a throwaway tree laid out like this
 * repository, in which every file makes exactly one import, allowed or not.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** file → the one module it imports, and the rule that import breaks (null: it is allowed). */
const fixture: Record<string, { imports: string; breaks: string | null }> = {
  'protocol/task.ts': { imports: 'zod', breaks: null },
  'protocol/index.ts': { imports: './task', breaks: null },
  'protocol/uses-server.ts': { imports: '../server/app', breaks: 'protocol-imports-only-zod' },
  'protocol/uses-node.ts': { imports: 'node:fs', breaks: 'protocol-imports-only-zod' },
  'protocol/uses-server.test.ts': { imports: '../server/app', breaks: 'protocol-tests-stay-in-protocol' },
  'server/app.ts': { imports: '../protocol/index', breaks: null },
  'server/routes/tasks.ts': { imports: '../app', breaks: null },
  'server/start-server.ts': { imports: './app', breaks: null },
  'server/uses-web.ts': { imports: '../web/lib/format', breaks: 'server-not-to-clients' },
  'web/lib/format.ts': { imports: '../../protocol/index', breaks: null },
  'web/lib/uses-server.ts': { imports: '../../server/app', breaks: 'web-not-to-server' },
  'web/stores/uses-feature.ts': { imports: '../features/progress/card', breaks: 'web-floors-not-up' },
  'web/components/uses-mocks.tsx': { imports: '../../mocks/handlers', breaks: 'web-mocks-only-in-dev' },
  'web/dev/toolbar.ts': { imports: '../../mocks/handlers', breaks: null },
  'web/features/tasks/use-task.ts': { imports: '../../lib/format', breaks: null },
  'web/features/tasks/uses-progress.ts': {
    imports: '../progress/card',
    breaks: 'features-not-to-features',
  },
  'web/features/progress/card.tsx': { imports: '../tasks/use-task', breaks: null },
  'web/features/communities/components/page.tsx': { imports: '../../tasks/use-task', breaks: null },
  'web/features/communities/components/uses-progress.tsx': {
    imports: '../../progress/card',
    breaks: 'features-not-to-features',
  },
  'mocks/handlers.ts': { imports: '../protocol/index', breaks: null },
  'mocks/uses-server.ts': { imports: '../server/app', breaks: 'mocks-only-protocol' },
  'e2e/starts-server.spec.ts': { imports: '../server/start-server', breaks: null },
  'e2e/uses-route.spec.ts': { imports: '../server/routes/tasks', breaks: 'e2e-through-the-front-door' },
  'e2e/uses-mocks.spec.ts': { imports: '../mocks/handlers', breaks: 'e2e-through-the-front-door' },
  'web/lib/cycle-a.ts': { imports: './cycle-b', breaks: 'no-circular' },
  'web/lib/cycle-b.ts': { imports: './cycle-a', breaks: 'no-circular' },
};

interface Violation {
  from: string;
  rule: { name: string };
}

/** A cycle is one finding, reported at whichever of its files the checker reaches first. */
function findingOf(rule: string, file: string): string {
  return rule === 'no-circular' ? rule : `${rule} ← ${file}`;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'taskstream-walls-'));
  // A stand-in zod, so that a package resolves to node_modules/… as it does in the repository.
  mkdirSync(path.join(dir, 'node_modules/zod'), { recursive: true });
  writeFileSync(
    path.join(dir, 'node_modules/zod/package.json'),
    JSON.stringify({ name: 'zod', main: 'index.js' }),
  );
  writeFileSync(path.join(dir, 'node_modules/zod/index.js'), 'module.exports = {};\n');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  for (const [file, { imports }] of Object.entries(fixture)) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(dir, file), `import '${imports}';\nexport const marker = 1;\n`);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the checker as `npm run lint` does, over the fixture's rooms. */
function depcruise(outputType: 'json' | 'err') {
  return spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      path.join(repoRoot, '.dependency-cruiser.cjs'),
      '--output-type',
      outputType,
      'protocol',
      'server',
      'web',
      'mocks',
      'e2e',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
}

describe('the import walls of .dependency-cruiser.cjs', () => {
  it('reject every wrong import in the fixture and nothing else', () => {
    const run = depcruise('json');
    expect(run.stdout, run.stderr).not.toBe('');
    const violations: Violation[] = JSON.parse(run.stdout).summary.violations;
    const found = new Set(violations.map((v) => findingOf(v.rule.name, v.from)));
    const expected = new Set(
      Object.entries(fixture)
        .filter(([, f]) => f.breaks !== null)
        .map(([file, f]) => findingOf(f.breaks ?? '', file)),
    );
    expect([...found].sort()).toEqual([...expected].sort());
  });

  it('fail the lint run (non-zero exit) when a wall is broken', () => {
    const run = depcruise('err');
    expect(run.status, run.stdout).toBeGreaterThan(0);
    expect(run.stdout).toContain('features-not-to-features');
  });
});
