import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { isRedisUnavailable } from './redis-errors';

/** The one error type routes throw; the error middleware turns it into `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'task') => new AppError('not-found', `${what} not found`, 404);

/** Redis cannot be reached: a 503 the client retries, never a 500. */
export const redisUnavailable = () =>
  new AppError('redis-unavailable', 'event store unavailable, retry shortly', 503, { 'Retry-After': '2' });

/** Turns a zod failure into a 400 that names the first bad field. */
export function validationError(err: ZodError, code = 'invalid-request'): AppError {
  const first = err.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return new AppError(code, `${where}${first?.message ?? 'invalid request'}`, 400);
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err instanceof ZodError) appError = validationError(err);
    else if (isBodyParserError(err)) appError = bodyParserError(err);
    else if (isRedisUnavailable(err)) {
      log.warn({ err: err.message }, 'redis unavailable');
      appError = redisUnavailable();
    } else {
      log.error({ err }, 'unhandled error');
      appError = new AppError('internal', 'internal server error', 500);
    }
    res
      .status(appError.status)
      .set(appError.headers)
      .json({ error: { code: appError.code, message: appError.message } });
  };
}

interface BodyParserError {
  type: string;
  status: number;
}
function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
}
function bodyParserError(err: BodyParserError): AppError {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('body-too-large', 'request body is too large', 413);
    case 'entity.parse.failed':
      return new AppError('malformed-json', 'request body is not valid JSON', 400);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported-encoding', 'unsupported body encoding', 415);
    default:
      return new AppError(
        'bad-request',
        'bad request',
        err.status >= 400 && err.status < 500 ? err.status : 400,
      );
  }
}
