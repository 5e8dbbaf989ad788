import { LogIn } from 'lucide-react';
import { useEffect } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { useSessionStore } from '../../../stores/session-store';
import { useAuthOptions } from '../api/get-auth-options';
import { useSignIn } from '../api/sign-in';
import { AuthCard, CredentialsForm } from './auth-form';

/** Only same-app paths are followed after sign-in (never another origin). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/communities';
}

export function SignInPage() {
  const session = useSessionStore((s) => s.session);
  const [params] = useSearchParams();
  const signIn = useSignIn();
  // Demo users exist only where the server says so (development, or DEV_USERS set on purpose):
  // only then is the form pre-filled and are they offered as buttons.
  const demoUsers = useAuthOptions().data?.demoUsers ?? [];
  const firstDemoUser = demoUsers[0];

  useEffect(() => {
    document.title = 'Sign in — taskstream';
  }, []);

  if (session.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  return (
    <AuthCard title="Sign in to taskstream">
      {session.status === 'signed-out' && session.reason === 'expired' && (
        <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" role="status">
          Your session ended. Sign in again to pick up where you left off.
        </p>
      )}
      <CredentialsForm
        onSubmit={(credentials) => signIn.mutate(credentials)}
        pending={signIn.isPending}
        error={signIn.error}
        defaults={firstDemoUser ? { username: firstDemoUser, password: 'demo' } : undefined}
        passwordProps={{ autoComplete: 'current-password' }}
        submit={{ icon: LogIn, label: 'Sign in', pendingLabel: 'Signing in…' }}
      />
      <p className="mt-4 text-sm text-slate-600">
        New here?{' '}
        <Link to="/sign-up" className="font-medium text-indigo-700 hover:underline">
          Create an account
        </Link>
      </p>
      {demoUsers.length > 0 && (
        <div className="mt-6 border-t border-slate-100 pt-4">
          <p className="mb-2 text-xs text-slate-600">Demo users (password “demo”)</p>
          <div className="flex flex-wrap gap-2">
            {demoUsers.map((name) => (
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
    </AuthCard>
  );
}
