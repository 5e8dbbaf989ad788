/**
 * `POST /api/auth/signup` (seed 000's "during signup"): what a new account may be called, what a
 * password must have, and the answer — the user plus the `reddit_leads` task the sign-up started,
 * so that the page can show its toast before the first stream event arrives.
 */
import { z } from 'zod';
import { ContractError, validationError } from './errors';
import { userSchema } from './requests';
import { taskSchema } from './task';

export const signupBodySchema = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,32}$/, 'a username is 3 to 32 letters, digits, dots, dashes or underscores'),
  password: z.string().max(256, 'a password is at most 256 characters'),
});
export type SignupBody = z.infer<typeof signupBodySchema>;

/** Why `password` is too weak for `username`, in words a person can act on; null when it is fine. */
export function passwordWeakness(username: string, password: string): string | null {
  if (password.length < 10) return 'Use at least 10 characters for your password.';
  if (!/[A-Za-z]/.test(password) || !/[^A-Za-z]/.test(password)) {
    return 'Mix letters with at least one digit or symbol in your password.';
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    return 'Your password must not contain your username.';
  }
  return null;
}

/** A sign-up request: 400 `invalid-request` for a malformed body, 400 `weak-password` with the reason. */
export function parseSignupBody(body: unknown): SignupBody {
  const parsed = signupBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(parsed.error);
  const weakness = passwordWeakness(parsed.data.username, parsed.data.password);
  if (weakness) throw new ContractError('weak-password', weakness, 400);
  return parsed.data;
}

export const usernameTaken = () =>
  new ContractError('username-taken', 'That username is already taken.', 409);

export const signupResponseSchema = z.object({ user: userSchema, task: taskSchema });
export type SignupResponse = z.infer<typeof signupResponseSchema>;
