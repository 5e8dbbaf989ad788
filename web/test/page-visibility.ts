import { act } from '@testing-library/react';

/**
 * happy-dom's page is always visible: this stands in for a person switching tabs. Each call
 * changes `document.visibilityState` and dispatches `visibilitychange`, as a browser does.
 */
export function setPageVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}
