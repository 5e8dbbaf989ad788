import { useSessionStore } from '../stores/session-store';

const sessionHintKey = 'taskstream:signed-in';

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export interface FirstLoadOptions {
  fetch?: typeof fetch;
  /** Where the "was signed in" hint lives. Default `localStorage` (null when unavailable). */
  storage?: Storage | null;
  tasksUrl?: string;
}

export interface FirstLoad {
  /** For the stream client: the list request started at boot, once, while it still fits the session. */
  takePrefetchedTaskList: () => Promise<Response> | null;
  dispose: () => void;
}

/**
 * The first page needs the session (`/api/auth/me`) and the task list (`/api/tasks`, whose cursor
 * the stream opens at). The list does not depend on the session's answer, only on the cookie, so
 * when this browser was signed in last time (the cookie is httpOnly: a hint in storage stands in
 * for it) the list is requested now, beside the session check, instead of after it.
 *
 * The prefetched answer is handed over once, and never after the session was seen signed out: a
 * later sign-in gets a list read with its own cookie.
 */
export function startFirstLoad(options: FirstLoadOptions = {}): FirstLoad {
  const storage = options.storage === undefined ? localStore() : options.storage;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  let pending: Promise<Response> | null = null;
  if (storage?.getItem(sessionHintKey) === '1') {
    pending = fetchFn(options.tasksUrl ?? '/api/tasks', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    // Unused or failed, it must not surface as an unhandled rejection; the client asks again.
    pending.catch(() => undefined);
  }
  const unsubscribe = useSessionStore.subscribe(({ session }) => {
    if (session.status === 'signed-out') pending = null;
    try {
      if (session.status === 'signed-in') storage?.setItem(sessionHintKey, '1');
      else if (session.status === 'signed-out') storage?.removeItem(sessionHintKey);
    } catch {
      // Storage full or blocked: the next first load is only slower.
    }
  });
  return {
    takePrefetchedTaskList: () => {
      const taken = pending;
      pending = null;
      return taken;
    },
    dispose: unsubscribe,
  };
}
