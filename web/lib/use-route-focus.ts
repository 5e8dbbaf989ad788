import { useEffect } from 'react';

/** How long a lazily loaded page may take to show its heading before focus goes to `<main>`. */
const HEADING_WAIT_MS = 3000;

/**
 * The path the shell last showed. Module state, not a ref: the router remounts the shell on every
 * navigation (its error boundary is keyed by path), and a ref would take each one for a first load.
 */
let shownPath: string | null = null;

/**
 * After an in-app navigation, focus moves to the new page's main heading (so a screen reader reads
 * where you are, and Tab continues from the page, not the old link) and the tab title names the
 * page. The first load keeps the browser's own focus.
 */
export function useRouteFocus(pathname: string, main: React.RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const previous = shownPath;
    shownPath = pathname;
    if (previous === null || previous === pathname) return;
    const container = main.current;
    if (!container) return;
    const land = (target: HTMLElement) => {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: false });
      const name = target.textContent?.trim();
      if (target.tagName === 'H1' && name) document.title = `${name} — taskstream`;
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
  }, [pathname, main]);
}
