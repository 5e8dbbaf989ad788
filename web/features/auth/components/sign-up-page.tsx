import { UserPlus } from 'lucide-react';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { useSessionStore } from '../../../stores/session-store';
import { useSignUp } from '../api/sign-up';
import { AuthCard, AuthField, authErrorText } from './auth-form';

/** Seed 000's sign-up: a new account lands on the Reddit page with its first lead search running. */
export function SignUpPage() {
  const session = useSessionStore((s) => s.session);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signUp = useSignUp();
  const errorId = useId();

  useEffect(() => {
    document.title = 'Sign up — taskstream';
  }, []);

  if (session.status === 'signed-in') return <Navigate to="/reddit" replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    signUp.mutate({ username, password });
  };
  const error = authErrorText(signUp.error);

  return (
    <AuthCard title="Create your taskstream account">
      <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? errorId : undefined}>
        <AuthField
          label="Username"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          minLength={3}
          maxLength={32}
        />
        <AuthField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint="At least 10 characters, with a digit or symbol."
        />
        {error && (
          <p id={errorId} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <Button type="submit" className="w-full" disabled={signUp.isPending}>
          <UserPlus className="size-4" aria-hidden="true" />
          {signUp.isPending ? 'Creating your account…' : 'Sign up'}
        </Button>
      </form>
      <p className="mt-6 border-t border-slate-100 pt-4 text-sm text-slate-600">
        Already have an account?{' '}
        <Link to="/sign-in" className="font-medium text-indigo-700 hover:underline">
          Sign in
        </Link>
      </p>
    </AuthCard>
  );
}
