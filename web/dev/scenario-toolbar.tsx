/**
 * The dev-only scenario toolbar: picks the MSW scenario the page runs on. Loaded lazily by
 * `main.tsx` in development only, into its own element, outside the app's React tree.
 */
import { FlaskConical, X } from 'lucide-react';
import { type ChangeEvent, useId, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  isScenarioName,
  type ScenarioName,
  scenarioDescriptions,
  scenarioNames,
} from '../../mocks/scenario-catalog';
import { scenarioUrl, useRunningScenario } from './running-scenario';

export interface ScenarioToolbarProps {
  /** `npm run dev:mocks`: there is no real API to go back to. */
  mocksMode: boolean;
  /** Loads an address (a full reload, so that MSW starts before the app's first request). */
  navigate?: (href: string) => void;
}

const off = 'off';

export function ScenarioToolbar({
  mocksMode,
  navigate = (href) => window.location.assign(href),
}: ScenarioToolbarProps) {
  const running = useRunningScenario();
  const [chosen, setChosen] = useState<ScenarioName | null | undefined>(undefined);
  // Folded on phones, where it would cover the progress stack; one tap opens it.
  const [open, setOpen] = useState(() => window.matchMedia?.('(min-width: 640px)').matches ?? true);
  const selectId = useId();
  const describedId = useId();
  const current = chosen === undefined ? running : chosen;

  const choose = (event: ChangeEvent<HTMLSelectElement>) => {
    const value = event.target.value;
    const next = isScenarioName(value) ? value : null;
    if (next === current) return;
    setChosen(next);
    navigate(scenarioUrl(next ?? off));
  };

  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Mock scenario: ${current ?? 'off'}. Show the scenario toolbar`}
        className="fixed bottom-2 left-2 z-50 grid size-9 place-items-center rounded-full bg-slate-900 text-white shadow-lg"
      >
        <FlaskConical className="size-4" aria-hidden="true" />
      </button>
    );
  }

  return (
    <section
      aria-label="Mock scenario"
      data-testid="scenario-toolbar"
      className="fixed bottom-2 left-2 z-50 flex max-w-[calc(100vw-1rem)] items-center gap-2 rounded-full bg-slate-900 py-1 pr-1 pl-3 text-xs text-white shadow-lg"
    >
      <FlaskConical className="size-4 shrink-0 text-amber-300" aria-hidden="true" />
      <label htmlFor={selectId} className="font-medium whitespace-nowrap">
        Scenario
      </label>
      <select
        id={selectId}
        value={current ?? off}
        onChange={choose}
        aria-describedby={describedId}
        title={current ? scenarioDescriptions[current] : 'The real API'}
        className="max-w-40 min-w-0 rounded-full bg-slate-800 px-2 py-1 text-white ring-1 ring-slate-600"
      >
        {!mocksMode && <option value={off}>off (real API)</option>}
        {scenarioNames.map((name) => (
          <option key={name} value={name} title={scenarioDescriptions[name]}>
            {name}
          </option>
        ))}
      </select>
      <span id={describedId} className="sr-only">
        {current ? scenarioDescriptions[current] : 'Requests go to the real API.'} Changing it reloads the
        page.
      </span>
      <button
        type="button"
        onClick={() => setOpen(false)}
        aria-label="Hide the scenario toolbar"
        className="grid size-7 shrink-0 place-items-center rounded-full hover:bg-slate-700"
      >
        <X className="size-3.5" aria-hidden="true" />
      </button>
    </section>
  );
}

/** Renders the toolbar into its own element at the end of `<body>` (once per page). */
export function mountScenarioToolbar(props: ScenarioToolbarProps): () => void {
  const id = 'taskstream-scenario-toolbar';
  document.getElementById(id)?.remove();
  const host = document.createElement('div');
  host.id = id;
  document.body.append(host);
  const root = createRoot(host);
  root.render(<ScenarioToolbar {...props} />);
  return () => {
    root.unmount();
    host.remove();
  };
}
