import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { ContractError as AppError, validationError } from '../protocol';
import { isRedisUnavailable } from './redis-errors';

/**
 * The one error type routes throw — protocol's ContractError, so rules shared with the mocks throw
 * it too; the error middleware turns it into `{ error: { code, message } }`.
 */
export { ContractError as AppError, notFound, validationError } from '../protocol';

/** Redis cannot be reached: a 503 the client retries, never a 500. */
export const redisUnavailable = () =>
  new AppError('redis-unavailable', 'event store unavailable, retry shortly', 503, { 'Retry-After': '2' });

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const appError = toAppError(err, log);
    res
      .status(appError.status)
      .set(appError.headers)
      .json({ error: { code: appError.code, message: appError.message } });
  };
}

/** What a thrown error answers: the client's mistakes as 4xx, Redis down as 503, anything else a logged 500. */
export function toAppError(err: unknown, log: Logger): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError(err);
  if (isBodyParserError(err)) return bodyParserError(err);
  // The router could not percent-decode a path parameter (`/api/tasks/%zz`): the client's mistake.
  if (err instanceof URIError)
    return new AppError('malformed-url', 'the URL is not validly percent-encoded', 400);
  if (isRedisUnavailable(err)) {
    log.warn({ err: err.message }, 'redis unavailable');
    return redisUnavailable();
  }
  log.error({ err }, 'unhandled error');
  return new AppError('internal', 'internal server error', 500);
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
