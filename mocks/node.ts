/**
 * MSW in Node (vitest, scripts): the contract's handlers over one shared backend. `sse()` needs a
 * global EventSource, so the spec-compliant `eventsource` package is installed as one when the
 * runtime has none (Node 20); the same class is what tests open streams with.
 */
import { EventSource as NodeEventSource } from 'eventsource';
import { setupServer } from 'msw/node';
import { createHandlers } from './handlers';
import { MockBackend } from './mock-backend';
import type { MockConfig } from './mock-config';
import { applyScenario, type Scenario, type ScenarioName } from './scenarios';

if (typeof globalThis.EventSource === 'undefined') {
  globalThis.EventSource = NodeEventSource as unknown as typeof globalThis.EventSource;
}

/** The backend every handler of `server` shares; `runScenario` resets it. */
export const mockBackend = new MockBackend();

export const server = setupServer(...createHandlers(mockBackend));

/** Runs a scenario on `server` (see `applyScenario`); `extra` e.g. `{ timeScale: 20 }` speeds it up. */
export function runScenario(name: ScenarioName, extra: Partial<MockConfig> = {}): Scenario {
  return applyScenario(server, mockBackend, name, extra);
}

export { NodeEventSource };
