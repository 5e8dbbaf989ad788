/**
 * Named scenarios: runtime configuration of the one `MockBackend`, plus handler overrides
 * prepended with `use()` where a scenario changes an answer (`server-down`). `handlers.ts` stays
 * the happy path; nothing here forks it. Tasks come from the registry (protocol's `taskScript`).
 */
import { HttpResponse, http, type RequestHandler } from 'msw';
import { ContractError, type TaskType, taskTypeNames } from '../protocol';
import { apiBase, errorResponse } from './handlers';
import type { MockBackend } from './mock-backend';
import type { AutoStartTask, MockConfig } from './mock-config';
import { type ScenarioName, scenarioDescriptions, scenarioNames } from './scenario-catalog';

export {
  pickScenario,
  type ScenarioName,
  scenarioDescriptions,
  scenarioFromUrl,
  scenarioNames,
} from './scenario-catalog';

export interface Scenario {
  readonly name: ScenarioName;
  /** One line for the toolbar and the README. */
  readonly description: string;
  /** Backend knobs on top of `defaultMockConfig`. */
  readonly config: Partial<MockConfig>;
  /** Handlers that answer differently in this scenario, prepended to the happy path. */
  readonly overrides?: (backend: MockBackend) => RequestHandler[];
}

/** `count` tasks cycling through every registry type, all starting at `atMs`. */
function everyType(count: number, atMs: number): AutoStartTask[] {
  return Array.from({ length: count }, (_, i) => ({
    type: taskTypeNames[i % taskTypeNames.length] as TaskType,
    atMs,
  }));
}

const storeDown = () =>
  errorResponse(
    new ContractError('redis-unavailable', 'event store unavailable, retry shortly', 503, {
      'Retry-After': '2',
    }),
  );

const configs: Record<ScenarioName, Omit<Scenario, 'name' | 'description'>> = {
  happy: {
    config: {
      autoStart: [
        { type: 'po_processing', atMs: 500 },
        { type: 'reddit_leads', atMs: 1500 },
        { type: 'rebuild_communities', atMs: 3000 },
      ],
    },
  },
  failure: {
    config: {
      failAt: 'database_save',
      autoStart: [
        { type: 'po_processing', atMs: 500 },
        { type: 'test_run', atMs: 1500 },
      ],
    },
  },
  slow: {
    config: {
      taskSpeed: 0.25,
      restLatencyMs: 1500,
      autoStart: [{ type: 'po_processing', atMs: 500 }],
    },
  },
  'flaky-network': {
    config: {
      dropAfterTaskEvents: 3,
      autoStart: [
        { type: 'po_processing', atMs: 500 },
        { type: 'reddit_leads', atMs: 1000 },
      ],
    },
  },
  stall: {
    config: {
      heartbeatMs: 3000,
      stallAfterMs: 4000,
      stallConnections: 1,
      autoStart: [{ type: 'reddit_leads', atMs: 500 }],
    },
  },
  'server-down': {
    config: {
      autoStart: [
        { type: 'po_processing', atMs: 500 },
        { type: 'reddit_leads', atMs: 1000 },
      ],
    },
    overrides: (backend) => [
      http.get(`${apiBase}/events`, storeDown),
      http.get(`${apiBase}/tasks/:id/events`, storeDown),
      http.get(`${apiBase}/health`, () => HttpResponse.json(backend.health(true), { status: 503 })),
    ],
  },
  reset: {
    config: {
      logSize: 5,
      retryMs: 6000,
      dropAfterTaskEvents: 2,
      dropConnections: 1,
      autoStart: [
        { type: 'po_processing', atMs: 500 },
        { type: 'reddit_leads', atMs: 500 },
        { type: 'rebuild_communities', atMs: 500 },
      ],
    },
  },
  burst: {
    config: {
      taskSpeed: 30,
      autoStart: [...everyType(20, 500), ...everyType(20, 1000), ...everyType(20, 1500)],
    },
  },
  'many-tasks': {
    config: { taskSpeed: 0.5, autoStart: everyType(24, 500) },
  },
  'auth-expired': {
    config: {
      sessionTtlMs: 8000,
      autoStart: [{ type: 'reddit_leads', atMs: 500 }],
    },
  },
  cancel: {
    config: {
      autoStart: [{ type: 'rebuild_communities', atMs: 500, cancelAfterMs: 4000 }],
    },
  },
};

export const scenarios: Record<ScenarioName, Scenario> = Object.fromEntries(
  scenarioNames.map((name) => [name, { name, description: scenarioDescriptions[name], ...configs[name] }]),
) as Record<ScenarioName, Scenario>;

/** What `setupServer()` and `setupWorker()` both offer. */
export interface HandlerTarget {
  use(...handlers: RequestHandler[]): void;
  resetHandlers(...handlers: RequestHandler[]): void;
}

/**
 * Runs a scenario: drops earlier overrides, restarts the backend with the scenario's config (and
 * `extra`, e.g. `{ timeScale: 20 }` in tests) and prepends its overrides. Open streams end, so
 * clients reconnect into the new epoch and get reset + snapshot.
 */
export function applyScenario(
  target: HandlerTarget,
  backend: MockBackend,
  name: ScenarioName,
  extra: Partial<MockConfig> = {},
): Scenario {
  const scenario = scenarios[name];
  target.resetHandlers();
  backend.reset({ ...scenario.config, ...extra });
  if (scenario.overrides) target.use(...scenario.overrides(backend));
  return scenario;
}
