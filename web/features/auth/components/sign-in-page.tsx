import { Activity, LogIn } from 'lucide-react';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ApiError } from '../../../lib/api-client';
import { useSessionStore } from '../../../stores/session-store';
import { useSignIn } from '../api/sign-in';

const devUsers = ['alice', 'bob'] as const;

/**
 * The seeded demo users are offered (and pre-filled) only where they can exist: a development
 * build, or a build served from this machine (local e2e runs, `npm start` on a laptop). A deployed
 * production page never advertises them.
 */
const offerDemoUsers =
  import.meta.env.DEV || ['localhost', '127.0.0.1', '[::1]'].includes(globalThis.location?.hostname ?? '');

/** Only same-app paths are followed after sign-in (never another origin). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/communities';
}

export function SignInPage() {
  const session = useSessionStore((s) => s.session);
  const [params] = useSearchParams();
  const [username, setUsername] = useState(offerDemoUsers ? 'alice' : '');
  const [password, setPassword] = useState(offerDemoUsers ? 'demo' : '');
  const signIn = useSignIn();
  const userId = useId();
  const passId = useId();
  const errorId = useId();

  useEffect(() => {
    document.title = 'Sign in — taskstream';
  }, []);

  if (session.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ username, password });
  };

  const error =
    signIn.error instanceof ApiError
      ? signIn.error.message
      : signIn.error
        ? 'Could not reach the server. Try again.'
        : null;

  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4 py-10">
      <Card className="w-full max-w-sm p-6 sm:p-8">
        <div className="mb-6 flex items-center gap-2">
          <Activity className="size-6 text-indigo-600" aria-hidden="true" />
          <h1 className="text-xl font-semibold">Sign in to taskstream</h1>
        </div>
        {session.status === 'signed-out' && session.reason === 'expired' && (
          <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" role="status">
            Your session ended. Sign in again to pick up where you left off.
          </p>
        )}
        <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? errorId : undefined}>
          <div>
            <label htmlFor={userId} className="mb-1 block text-sm font-medium text-slate-700">
              Username
            </label>
            <input
              id={userId}
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
              required
            />
          </div>
          <div>
            <label htmlFor={passId} className="mb-1 block text-sm font-medium text-slate-700">
              Password
            </label>
            <input
              id={passId}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
              required
            />
          </div>
          {error && (
            <p id={errorId} role="alert" className="text-sm text-red-700">
              {error}
            </p>
          )}
          <Button type="submit" className="w-full" disabled={signIn.isPending}>
            <LogIn className="size-4" aria-hidden="true" />
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        {offerDemoUsers && (
          <div className="mt-6 border-t border-slate-100 pt-4">
            <p className="mb-2 text-xs text-slate-600">Demo users (password “demo”)</p>
            <div className="flex gap-2">
              {devUsers.map((name) => (
                <Button
                  key={name}
                  variant="secondary"
                  size="sm"
                  disabled={signIn.isPending}
                  onClick={() => signIn.mutate({ username: name, password: 'demo' })}
                >
                  Sign in as {name}
                </Button>
              ))}
            </div>
          </div>
        )}
      </Card>
    </main>
  );
}
