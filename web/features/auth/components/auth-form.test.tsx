import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LogIn } from 'lucide-react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { CredentialsForm } from './auth-form';

const submit = { icon: LogIn, label: 'Sign in', pendingLabel: 'Signing in…' };

describe('CredentialsForm', () => {
  it('fills empty fields with the defaults when they arrive, and sends what the fields hold', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    const props = {
      onSubmit,
      pending: false,
      error: null,
      passwordProps: { autoComplete: 'current-password' as const },
      submit,
    };
    const { rerender } = render(<CredentialsForm {...props} />);
    expect(screen.getByLabelText('Username')).toHaveValue('');
    rerender(<CredentialsForm {...props} defaults={{ username: 'alice', password: 'demo' }} />);
    expect(screen.getByLabelText('Username')).toHaveValue('alice');
    expect(screen.getByLabelText('Password')).toHaveValue('demo');
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'current-password');

    await user.clear(screen.getByLabelText('Username'));
    await user.type(screen.getByLabelText('Username'), 'bob');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).toHaveBeenCalledWith({ username: 'bob', password: 'demo' });
  });

  it('keeps what a person typed when the defaults arrive later', async () => {
    const user = userEvent.setup();
    const props = {
      onSubmit: vi.fn(),
      pending: false,
      error: null,
      passwordProps: { autoComplete: 'current-password' as const },
      submit,
    };
    const { rerender } = render(<CredentialsForm {...props} />);
    await user.type(screen.getByLabelText('Username'), 'carol');
    rerender(<CredentialsForm {...props} defaults={{ username: 'alice', password: 'demo' }} />);
    expect(screen.getByLabelText('Username')).toHaveValue('carol');
    expect(screen.getByLabelText('Password')).toHaveValue('demo');
  });

  it('shows the failure as an alert tied to the form, the hint tied to its field, and the pending label', () => {
    render(
      <CredentialsForm
        onSubmit={vi.fn()}
        pending
        error={new ApiError(409, 'username-taken', 'That username is already taken.')}
        usernameProps={{ minLength: 3, maxLength: 32 }}
        passwordProps={{
          autoComplete: 'new-password',
          hint: 'At least 10 characters, with a digit or symbol.',
        }}
        submit={{ icon: LogIn, label: 'Sign up', pendingLabel: 'Creating your account…' }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('That username is already taken.');
    expect(alert.closest('form')).toHaveAttribute('aria-describedby', alert.id);
    expect(screen.getByLabelText('Username')).toHaveAttribute('minlength', '3');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      'At least 10 characters, with a digit or symbol.',
    );
    expect(screen.getByRole('button', { name: 'Creating your account…' })).toBeDisabled();
  });
});
