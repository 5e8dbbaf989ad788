/**
 * MSW in the browser, for `npm run dev:mocks` and `?scenario=NAME` in `npm run dev`. Import it only
 * dynamically behind `import.meta.env.DEV`, so that nothing of MSW reaches the production build.
 * The service worker script is `public/mockServiceWorker.js` (`npx msw init public --save=false`).
 */
import { setupWorker } from 'msw/browser';
import { createHandlers } from './handlers';
import { MockBackend } from './mock-backend';
import { rememberScenario } from './scenario-catalog';
import { applyScenario, type Scenario, type ScenarioName } from './scenarios';

/** The backend every handler of `worker` shares (state lives for the page's lifetime). */
export const mockBackend = new MockBackend();

export const worker = setupWorker(...createHandlers(mockBackend));

let starting: Promise<unknown> | null = null;

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Registers the worker (once) and runs `scenario`. Resolves when requests are intercepted, so call
 * it before the app makes its first request. API requests no handler answers are reported as errors.
 */
export async function startMocks(scenario: ScenarioName = 'happy'): Promise<Scenario> {
  starting ??= worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    quiet: true,
    onUnhandledRequest(request, print) {
      if (new URL(request.url).pathname.startsWith('/api/')) print.error();
    },
  });
  await starting;
  return switchScenario(scenario);
}

/**
 * Switches scenario at runtime (the toolbar): the backend restarts, open streams end and the
 * app's stream client reconnects into the new epoch (reset + snapshot). Remembered for the tab.
 */
export function switchScenario(name: ScenarioName): Scenario {
  const scenario = applyScenario(worker, mockBackend, name);
  rememberScenario(name, sessionStore());
  return scenario;
}
