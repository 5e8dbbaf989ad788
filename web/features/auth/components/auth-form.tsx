import { Activity, type LucideIcon } from 'lucide-react';
import {
  type ChangeEvent,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  useEffect,
  useId,
  useState,
} from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ApiError } from '../../../lib/api-client';

/** The centred card the sign-in and sign-up pages share, with the page's `<h1>`. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-50 px-4 py-10">
      <Card className="w-full max-w-sm p-6 sm:p-8">
        <div className="mb-6 flex items-center gap-2">
          <Activity className="size-6 text-indigo-600" aria-hidden="true" />
          <h1 className="text-xl font-semibold">{title}</h1>
        </div>
        {children}
      </Card>
    </main>
  );
}

/** What a person reads for a failed sign-in or sign-up: the server's message, or that it was unreachable. */
function authErrorText(error: Error | null): string | null {
  if (error instanceof ApiError) return error.message;
  return error ? 'Could not reach the server. Try again.' : null;
}

interface AuthFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** A line under the field, tied to it with `aria-describedby`. */
  hint?: string;
}

/** A labelled text field of an auth form. */
function AuthField({ label, hint, ...input }: AuthFieldProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
        aria-describedby={hint ? hintId : undefined}
        required
        {...input}
      />
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

interface Credentials {
  username: string;
  password: string;
}

interface CredentialsFormProps {
  onSubmit: (credentials: Credentials) => void;
  pending: boolean;
  /** The last attempt's failure, shown under the fields and tied to the form. */
  error: Error | null;
  /** Written into the fields while they are still empty (the demo user, where the server offers one). */
  defaults?: Credentials;
  /** Extra rules of the username field (length on sign-up). */
  usernameProps?: Partial<AuthFieldProps>;
  /** `autoComplete` (`current-password` or `new-password`) and any hint of the password field. */
  passwordProps: Partial<AuthFieldProps> & { autoComplete: 'current-password' | 'new-password' };
  submit: { icon: LucideIcon; label: string; pendingLabel: string };
}

/** The username + password form of the sign-in and sign-up pages. */
export function CredentialsForm({
  onSubmit,
  pending,
  error,
  defaults,
  usernameProps,
  passwordProps,
  submit,
}: CredentialsFormProps) {
  const [values, setValues] = useState<Credentials>({ username: '', password: '' });
  const errorId = useId();
  const defaultUsername = defaults?.username;
  const defaultPassword = defaults?.password;
  useEffect(() => {
    if (!defaultUsername && !defaultPassword) return;
    setValues((v) => ({
      username: v.username || defaultUsername || '',
      password: v.password || defaultPassword || '',
    }));
  }, [defaultUsername, defaultPassword]);
  /** A field's name, value and change handler. */
  const bind = (name: keyof Credentials) => ({
    name,
    value: values[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });

  const errorText = authErrorText(error);
  const Icon = submit.icon;
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit(values);
      }}
      className="space-y-4"
      aria-describedby={errorText ? errorId : undefined}
    >
      <AuthField label="Username" autoComplete="username" {...bind('username')} {...usernameProps} />
      <AuthField label="Password" type="password" {...bind('password')} {...passwordProps} />
      {errorText && (
        <p id={errorId} role="alert" className="text-sm text-red-700">
          {errorText}
        </p>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        <Icon className="size-4" aria-hidden="true" />
        {pending ? submit.pendingLabel : submit.label}
      </Button>
    </form>
  );
}
