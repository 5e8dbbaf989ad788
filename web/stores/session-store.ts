import { create } from 'zustand';
import type { User } from '../../protocol';
import { inDevtools } from './dev-tools';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed-in'; user: User }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' };

interface SessionStoreState {
  session: SessionState;
}

export const useSessionStore = create<SessionStoreState>()(
  inDevtools<SessionStoreState>('session', () => ({ session: { status: 'unknown' } })),
);

export function setSignedIn(user: User): void {
  const current = useSessionStore.getState().session;
  if (current.status === 'signed-in' && current.user.id === user.id) return;
  useSessionStore.setState({ session: { status: 'signed-in', user } });
}

export function setSignedOut(reason: 'expired' | 'signed-out' = 'signed-out'): void {
  if (useSessionStore.getState().session.status === 'signed-out') return;
  useSessionStore.setState({ session: { status: 'signed-out', reason } });
}

export function getSession(): SessionState {
  return useSessionStore.getState().session;
}

export function resetSessionStore(): void {
  useSessionStore.setState({ session: { status: 'unknown' } });
}
