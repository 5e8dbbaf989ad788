import { useMutation } from '@tanstack/react-query';
import { type SignupBody, type SignupResponse, signupResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';
import { setSignedIn } from '../../../stores/session-store';
import { mergeTasks } from '../../../stores/task-store';
import { getStreamRuntime } from '../../../stream/stream-runtime';

/**
 * `POST /api/auth/signup`: signs the new user in, and puts the first lead search the server started
 * into the store at once, so that its toast is on screen before the stream's first event.
 */
async function signUp(body: SignupBody): Promise<SignupResponse> {
  const answer = await apiRequest('/api/auth/signup', signupResponseSchema, { method: 'POST', body });
  setSignedIn(answer.user);
  mergeTasks([answer.task]);
  getStreamRuntime()?.announceSession('signed-in');
  return answer;
}

export function useSignUp() {
  return useMutation({ mutationFn: signUp });
}
