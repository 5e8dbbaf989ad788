import { useEffect } from 'react';

/** How long a lazily loaded page may take to show its heading before focus goes to `<main>`. */
const HEADING_WAIT_MS = 3000;

/** React Router's key of the first history entry of a page load. */
const FIRST_ENTRY_KEY = 'default';

/**
 * After an in-app navigation (sign-in included), focus moves to the new page's main heading, so a
 * screen reader says where you are and Tab continues from the page, not the old link. A fresh page
 * load keeps the browser's own focus, so Tab still starts at "Skip to
 * content". Keyed by the location's key, not a ref: the router remounts the shell on navigations.
 */
export function useRouteFocus(locationKey: string, main: React.RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (locationKey === FIRST_ENTRY_KEY) return;
    const container = main.current;
    if (!container) return;
    const land = (target: HTMLElement) => {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: false });
    };
    const heading = container.querySelector<HTMLElement>('h1');
    if (heading) {
      land(heading);
      return;
    }
    const observer = new MutationObserver(() => {
      const found = container.querySelector<HTMLElement>('h1');
      if (!found) return;
      observer.disconnect();
      clearTimeout(timer);
      land(found);
    });
    observer.observe(container, { subtree: true, childList: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      land(container);
    }, HEADING_WAIT_MS);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [locationKey, main]);
}
