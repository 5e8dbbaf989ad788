import { type User, userResponseSchema } from '../../../../protocol';
import { ApiError, apiRequest } from '../../../lib/api-client';
import { setSignedIn, setSignedOut } from '../../../stores/session-store';

/** `GET /api/auth/me`: the signed-in user, or null when signed out. */
async function getMe(): Promise<User | null> {
  try {
    return (await apiRequest('/api/auth/me', userResponseSchema)).user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** Asks the server who is signed in and updates the session store; network errors retry shortly. */
export async function refreshSession(attempt = 0): Promise<void> {
  try {
    const user = await getMe();
    if (user) setSignedIn(user);
    else setSignedOut('signed-out');
  } catch {
    const delay = Math.min(1000 * 2 ** attempt, 15_000);
    setTimeout(() => void refreshSession(attempt + 1), delay);
  }
}
