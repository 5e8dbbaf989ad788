import type { z } from 'zod';
import { errorBodySchema } from '../../protocol';

/** A failed API call: the HTTP status and the contract's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener | null = null;

/** Called on any 401 outside sign-in, so the app can show the sign-in page. */
export function setUnauthorizedHandler(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

export interface ApiInit {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Sent as is instead of a JSON `body` (a CSV upload). */
  rawBody?: { contentType: string; text: string };
  signal?: AbortSignal;
}

/**
 * Same-origin JSON request; the session cookie goes along. The answer is validated with `schema`,
 * so nothing the server says is trusted by type alone.
 */
export async function apiRequest<S extends z.ZodType>(
  path: string,
  schema: S,
  init: ApiInit = {},
): Promise<z.infer<S>> {
  const res = await apiFetch(path, init);
  if (res.status === 204) return schema.parse(undefined);
  return schema.parse(await res.json());
}

/** Like `apiRequest` for answers whose body does not matter (logout, cancel). */
export async function apiFetch(path: string, init: ApiInit = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.rawBody) headers['content-type'] = init.rawBody.contentType;
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    body: init.rawBody?.text ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    signal: init.signal,
  });
  if (res.ok) return res;
  let code = 'http-error';
  let message = `request failed (${res.status})`;
  try {
    const parsed = errorBodySchema.safeParse(await res.json());
    if (parsed.success) ({ code, message } = parsed.data.error);
  } catch {
    // Not JSON (a proxy's error page): keep the generic message.
  }
  if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized?.();
  throw new ApiError(res.status, code, message);
}
