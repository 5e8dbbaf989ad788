/**
 * Which MSW scenario this page runs on (null: the real API), shared by `main.tsx`, the scenario
 * toolbar and the gallery's player. Holds a name only: nothing of MSW is imported here.
 */
import { useSyncExternalStore } from 'react';
import type { ScenarioName } from '../../mocks/scenario-catalog';

let running: ScenarioName | null = null;
const listeners = new Set<() => void>();

export function setRunningScenario(name: ScenarioName | null): void {
  if (name === running) return;
  running = name;
  for (const listener of listeners) listener();
}

function getRunningScenario(): ScenarioName | null {
  return running;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRunningScenario(): ScenarioName | null {
  return useSyncExternalStore(subscribe, getRunningScenario, getRunningScenario);
}

/** The current address with `?scenario=NAME` (or `off`): a reload there starts on that scenario. */
export function scenarioUrl(name: ScenarioName | 'off', href = window.location.href): string {
  const url = new URL(href);
  url.searchParams.set('scenario', name);
  return url.toString();
}
