import { UserPlus } from 'lucide-react';
import { useEffect } from 'react';
import { Link, Navigate } from 'react-router';
import { useSessionStore } from '../../../stores/session-store';
import { useSignUp } from '../api/sign-up';
import { AuthCard, CredentialsForm } from './auth-form';

/** Seed 000's sign-up: a new account lands on the Reddit page with its first lead search running. */
export function SignUpPage() {
  const session = useSessionStore((s) => s.session);
  const signUp = useSignUp();

  useEffect(() => {
    document.title = 'Sign up — taskstream';
  }, []);

  if (session.status === 'signed-in') return <Navigate to="/reddit" replace />;

  return (
    <AuthCard title="Create your taskstream account">
      <CredentialsForm
        onSubmit={(credentials) => signUp.mutate(credentials)}
        pending={signUp.isPending}
        error={signUp.error}
        usernameProps={{ minLength: 3, maxLength: 32 }}
        passwordProps={{
          autoComplete: 'new-password',
          hint: 'At least 10 characters, with a digit or symbol.',
        }}
        submit={{ icon: UserPlus, label: 'Sign up', pendingLabel: 'Creating your account…' }}
      />
      <p className="mt-6 border-t border-slate-100 pt-4 text-sm text-slate-600">
        Already have an account?{' '}
        <Link to="/sign-in" className="font-medium text-indigo-700 hover:underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
