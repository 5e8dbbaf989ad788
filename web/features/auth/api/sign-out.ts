import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../../lib/api-client';
import { setSignedOut } from '../../../stores/session-store';
import { getStreamRuntime } from '../../../stream/stream-runtime';

/** `POST /api/auth/logout`: clears the cookie; this tab and the others show the sign-in page. */
async function signOut(): Promise<void> {
  try {
    await apiFetch('/api/auth/logout', { method: 'POST' });
  } finally {
    setSignedOut('signed-out');
    getStreamRuntime()?.announceSession('signed-out');
  }
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => queryClient.clear(),
  });
}
