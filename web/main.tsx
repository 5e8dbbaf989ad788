import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { bootApp } from './app/boot';
import './index.css';

function renderApp(): void {
  const { queryClient } = bootApp();
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <App queryClient={queryClient} />
    </StrictMode>,
  );
}

function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Dev only: MSW on the scenario `?scenario=NAME` or the tab remembers (always one under
 * `--mode mocks`), started before the app's first request; then the scenario toolbar. Every import
 * here is dynamic behind `import.meta.env.DEV`, so nothing of it reaches the production bundle.
 */
async function startDevMocks(): Promise<void> {
  const mocksMode = import.meta.env.MODE === 'mocks';
  const { pickScenario } = await import('../mocks/scenario-catalog');
  const scenario = pickScenario({ search: window.location.search, mocksMode, storage: tabStorage() });
  try {
    if (scenario) {
      const [{ startMocks }, { setRunningScenario }] = await Promise.all([
        import('../mocks/browser'),
        import('./dev/running-scenario'),
      ]);
      await startMocks(scenario);
      setRunningScenario(scenario);
    }
  } finally {
    void import('./dev/scenario-toolbar').then(({ mountScenarioToolbar }) =>
      mountScenarioToolbar({ mocksMode }),
    );
  }
}

if (import.meta.env.DEV) {
  startDevMocks()
    .catch((err: unknown) => console.error('[taskstream] mock scenarios could not start', err))
    .finally(renderApp);
} else {
  renderApp();
}
