import type { QueryClient } from '@tanstack/react-query';
import { refreshSession } from '../features/auth/api/get-me';
import { setUnauthorizedHandler } from '../lib/api-client';
import { clearProgressStack, trackProgressStack } from '../stores/progress-stack-store';
import { setSignedOut, useSessionStore } from '../stores/session-store';
import { subscribeTaskChanges } from '../stores/task-store';
import { createQueryInvalidator } from '../stream/query-invalidator';
import { type StreamRuntimeOptions, startStreamRuntime } from '../stream/stream-runtime';
import { startFirstLoad } from './first-load';
import { createQueryClient } from './query-client';

let booted: { queryClient: QueryClient } | null = null;

/**
 * Wires the app outside React, once per page: task changes → progress stack and cache
 * invalidation, any 401 → sign-in page, the one stream runtime, and the first page's requests: the
 * session check and (when a session is likely) the task list, together.
 */
export function bootApp(options: { queryClient?: QueryClient; runtime?: StreamRuntimeOptions } = {}) {
  if (booted) return booted;
  const queryClient = options.queryClient ?? createQueryClient();
  subscribeTaskChanges(trackProgressStack);
  subscribeTaskChanges(createQueryInvalidator(queryClient).onChanges);
  setUnauthorizedHandler(() => setSignedOut('expired'));
  useSessionStore.subscribe((state, previous) => {
    if (state.session.status === 'signed-out' && previous.session.status !== 'signed-out') {
      clearProgressStack();
      queryClient.clear();
    }
  });
  const firstLoad = startFirstLoad();
  startStreamRuntime({
    refreshSession: () => refreshSession(),
    ...options.runtime,
    client: { takePrefetchedTaskList: firstLoad.takePrefetchedTaskList, ...options.runtime?.client },
  });
  void refreshSession();
  booted = { queryClient };
  return booted;
}
