/**
 * Whether the page is out of sight (another tab in front, the window minimised, the phone
 * locked). Everything that should wait for the person — auto-dismiss timers — or speak to them
 * while away — the tab title, the favicon, desktop notifications — reads it from here, so they
 * agree on one definition.
 */
export function isPageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/** Calls `listener` whenever the page is hidden or shown. Returns the unsubscribe. */
export function subscribePageVisibility(listener: () => void): () => void {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
}
