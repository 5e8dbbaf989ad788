/**
 * The walls between the repository's rooms, checked by `npm run lint` (`depcruise`).
 *
 * dependency-cruiser rather than Biome's `noRestrictedImports`: Biome matches the import
 * specifier as written (`../../tasks/use-task`), so a rule like "a feature imports no other
 * feature" would depend on how deep the importing file sits. dependency-cruiser resolves every
 * import to a file path first, so each rule below is one path pattern per side.
 *
 * Type-only imports count (`tsPreCompilationDeps`): a type borrowed across a wall still couples
 * the two sides. `protocol/layering.test.ts` proves each rule fails on a deliberately wrong import.
 */

const testFile = '\\.test\\.tsx?$';

/**
 * One forbidden edge: imports from `from` into `to` fail the lint run.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function wall(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    wall(
      'protocol-imports-only-zod',
      'protocol/ is the contract every side imports; it depends on zod and itself only, so that ' +
        'server, web, mocks and e2e can all load it.',
      { path: '^protocol/', pathNot: testFile },
      { pathNot: ['^protocol/', '^node_modules/zod/'] },
    ),
    wall(
      'protocol-tests-stay-in-protocol',
      'protocol tests may use test tooling and node:*, never another room of the repository.',
      { path: `^protocol/.*${testFile}` },
      { path: '^(server|web|mocks|e2e|bench)/' },
    ),
    wall(
      'web-not-to-server',
      'The SPA talks to the server over HTTP and SSE only; shared shapes live in protocol/.',
      { path: '^web/' },
      { path: '^(server|e2e|bench)/' },
    ),
    wall(
      'server-not-to-clients',
      'The server knows nothing of the SPA, the mocks or the tests that drive it.',
      { path: '^server/' },
      { path: '^(web|mocks|e2e)/' },
    ),
    wall(
      'mocks-only-protocol',
      'The MSW scenarios stand in for the server and speak the contract from protocol/ alone.',
      { path: '^mocks/' },
      { path: '^(server|web|e2e|bench)/' },
    ),
    wall(
      'e2e-through-the-front-door',
      'Browser tests drive the app through Chromium. From the server they may only start it ' +
        '(start-server, config, redis: what server/index.ts uses) and use its test-support helpers; never web/ or mocks/ internals.',
      { path: '^e2e/' },
      {
        path: '^(web|mocks|server)/',
        pathNot: ['^server/(start-server|config|redis)\\.ts$', '^server/test-support/'],
      },
    ),
    wall(
      'features-not-to-features',
      'A page feature imports no other feature; web/features/tasks (start, cancel, watch one ' +
        'task) is the one shared feature layer. Anything else shared belongs in web/components, ' +
        'web/lib, web/stores or web/stream.',
      { path: '^web/features/([^/]+)/' },
      { path: '^web/features/', pathNot: ['^web/features/$1/', '^web/features/tasks/'] },
    ),
    wall(
      'web-floors-not-up',
      'components, lib, stores and stream sit under the pages: they never import a feature, ' +
        'the app shell, the demo gallery or the dev tools.',
      { path: '^web/(components|lib|stores|stream)/' },
      { path: '^web/(features|app|demo|dev)/' },
    ),
    wall(
      'web-mocks-only-in-dev',
      'MSW code must stay out of the production bundle: only main.tsx (behind import.meta.env.DEV), ' +
        'the dev tools, the demo gallery and tests may reach into mocks/.',
      { path: '^web/', pathNot: ['^web/main\\.tsx$', '^web/(dev|demo|test)/', testFile] },
      { path: '^mocks/' },
    ),
    wall(
      'no-circular',
      'Cycles make load order matter and hide which module owns what.',
      {},
      { circular: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|public)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
