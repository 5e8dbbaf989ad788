import { useEffect } from 'react';

/** Containers that make a sensible landing place when the focused control disappears or disables. */
const LANDING = 'article, section, form, [role="region"], [role="dialog"], main';

function isGone(element: Element): boolean {
  return !element.isConnected || (element instanceof HTMLButtonElement && element.disabled);
}

/**
 * Keeps keyboard focus off `<body>`: when the focused control is removed (Cancel, Dismiss) or
 * disabled (a Start button while its request runs), focus moves to its nearest remaining
 * container instead of the top of the document. Focus the person moved themselves is left alone.
 */
export function useFocusRescue(): void {
  useEffect(() => {
    let lastFocused: Element | null = null;
    let landings: HTMLElement[] = [];
    const onFocusIn = (event: FocusEvent) => {
      if (!(event.target instanceof Element)) return;
      lastFocused = event.target;
      landings = [];
      for (let node = event.target.parentElement; node; node = node.parentElement) {
        if (node.matches(LANDING)) landings.push(node);
      }
    };
    let scheduled = false;
    const rescue = () => {
      scheduled = false;
      const active = document.activeElement;
      if (active && active !== document.body) return;
      if (!lastFocused || !isGone(lastFocused)) return;
      const landing = landings.find((element) => element.isConnected);
      if (!landing) return;
      if (!landing.hasAttribute('tabindex')) landing.setAttribute('tabindex', '-1');
      landing.focus({ preventScroll: true });
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(rescue);
    };
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['disabled', 'hidden'],
    });
    document.addEventListener('focusin', onFocusIn);
    document.addEventListener('focusout', schedule);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('focusout', schedule);
    };
  }, []);
}
