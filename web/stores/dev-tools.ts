import type { StateCreator } from 'zustand';
import { devtools } from 'zustand/middleware';

/**
 * Shows a store in the Redux DevTools extension during development. The condition is a build-time
 * constant, so a production build drops the middleware entirely; tests skip it too.
 */
export function inDevtools<T>(name: string, initializer: StateCreator<T>): StateCreator<T> {
  if (!import.meta.env.DEV || import.meta.env.MODE === 'test') return initializer;
  // The middleware only adds an optional action name to `setState`: the store's type is unchanged.
  return devtools(initializer, { name: `taskstream/${name}` }) as StateCreator<T>;
}
