import { useMutation } from '@tanstack/react-query';
import { type LoginBody, type User, userResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { setSignedIn } from '../../../stores/session-store';
import { getStreamRuntime } from '../../../stream/stream-runtime';

/** `POST /api/auth/login`: sets the session cookie; the other tabs are told to re-check. */
async function signIn(body: LoginBody): Promise<User> {
  const { user } = await apiRequest('/api/auth/login', userResponseSchema, { method: 'POST', body });
  setSignedIn(user);
  getStreamRuntime()?.announceSession('signed-in');
  return user;
}

export function useSignIn() {
  return useMutation({ mutationFn: signIn });
}
