import type { ZodError } from 'zod';
import type { ErrorBody } from './requests';

/**
 * An error answer of the contract: `{ error: { code, message } }` with its HTTP status and any
 * headers (`Retry-After`). The server and the mocks throw this one type, so a rule written once in
 * protocol/ answers the same on both sides.
 */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const notFound = (what = 'task') => new ContractError('not-found', `${what} not found`, 404);

/** A zod failure as a 400 that names the first bad field. */
export function validationError(err: ZodError, code = 'invalid-request'): ContractError {
  const first = err.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return new ContractError(code, `${where}${first?.message ?? 'invalid request'}`, 400);
}

/**
 * Prometheus gauges both the server and the mocks expose, with one name and help text, so a
 * dashboard built against `npm run dev:mocks` keeps working against production.
 */
export const sharedMetrics = {
  openStreams: { name: 'taskstream_sse_connections_active', help: 'Open SSE streams on this process' },
  openedStreams: { name: 'taskstream_sse_connections_opened', help: 'SSE streams opened since start' },
} as const;
