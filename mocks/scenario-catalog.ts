/**
 * Scenario names and one-line descriptions, with no MSW in it: the toolbar, the gallery and
 * `web/main.tsx` may import this statically without pulling MSW into any bundle.
 */

export const scenarioNames = [
  'happy',
  'failure',
  'slow',
  'flaky-network',
  'stall',
  'server-down',
  'reset',
  'burst',
  'many-tasks',
  'auth-expired',
  'cancel',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** What each scenario shows, one line each (toolbar tooltips, README). */
export const scenarioDescriptions: Record<ScenarioName, string> = {
  happy:
    'Tasks run to completion with the registry’s results; a PO, a Reddit search and a rebuild start by themselves.',
  failure:
    'Every task fails in a named stage (`database_save` for purchase orders, the middle stage for others).',
  slow: 'Steps take four times longer and every REST answer waits 1.5 s: loading states and long ETAs.',
  'flaky-network':
    'The stream drops every 3 task events; the client resumes from its last event id, missing nothing.',
  stall:
    'Heartbeats every 3 s; the first stream goes silent after 4 s until the client’s watchdog (2× heartbeat) reconnects.',
  'server-down':
    'The stream answers 503 and the per-task stream too; polling GET /api/tasks still shows progress.',
  reset:
    'The first stream drops after 2 events and returns 6 s later, past the 5-event replay window: reset + snapshot.',
  burst: 'Three waves of 20 tasks, 0.5 s apart, steps 30× faster: hundreds of events a second.',
  'many-tasks': '24 tasks of every type running at once, at half speed.',
  'auth-expired':
    'The session ends after 8 s: the stream sends auth-expired, then the API answers 401 until sign-in.',
  cancel: 'A community rebuild starts and is cancelled 4 s in; no progress follows the cancellation.',
};

export function isScenarioName(value: string | null | undefined): value is ScenarioName {
  return value != null && (scenarioNames as readonly string[]).includes(value);
}

/** The scenario named by `?scenario=NAME` in a location's search string, or null. */
export function scenarioFromUrl(search: string): ScenarioName | null {
  const name = new URLSearchParams(search).get('scenario');
  return isScenarioName(name) ? name : null;
}

const storageKey = 'taskstream:scenario';

type ScenarioStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Which scenario the SPA starts MSW with, or null for none (the real API): `?scenario=NAME` picks
 * one and remembers it for the tab, `?scenario=off` forgets it, else the remembered one, else
 * `happy` in `mocks` mode and none in plain `dev`.
 */
export function pickScenario(options: {
  search: string;
  mocksMode: boolean;
  storage?: ScenarioStorage | null;
}): ScenarioName | null {
  const { search, mocksMode, storage } = options;
  const asked = new URLSearchParams(search).get('scenario');
  if (asked === 'off') {
    storage?.removeItem(storageKey);
    return mocksMode ? 'happy' : null;
  }
  if (isScenarioName(asked)) {
    storage?.setItem(storageKey, asked);
    return asked;
  }
  const remembered = storage?.getItem(storageKey);
  if (isScenarioName(remembered)) return remembered;
  return mocksMode ? 'happy' : null;
}

/** Remembers the scenario for this tab (the toolbar calls it when switching). */
export function rememberScenario(
  name: ScenarioName | null,
  storage: ScenarioStorage | null | undefined,
): void {
  if (name === null) storage?.removeItem(storageKey);
  else storage?.setItem(storageKey, name);
}
