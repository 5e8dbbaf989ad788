import { Activity } from 'lucide-react';
import { type InputHTMLAttributes, type ReactNode, useId } from 'react';
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
export function authErrorText(error: Error | null): string | null {
  if (error instanceof ApiError) return error.message;
  return error ? 'Could not reach the server. Try again.' : null;
}

export interface AuthFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  /** A line under the field, tied to it with `aria-describedby`. */
  hint?: string;
}

/** A labelled text field of an auth form. */
export function AuthField({ label, hint, ...input }: AuthFieldProps) {
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
