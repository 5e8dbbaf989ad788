import pino, { type Logger } from 'pino';

/**
 * An error as logged: its name, message and stack, nothing else. ioredis errors carry the command
 * and its arguments (`getdel ts:ticket:<a valid ticket>`, a task's JSON), which must never be logged.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return { type: err.name, message: err.message, stack: err.stack };
}

/**
 * Structured JSON logs. Credentials never reach them: headers and query strings are redacted, and
 * errors are reduced to name, message and stack.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    serializers: { err: serializeError, error: serializeError },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.ticket',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A request path safe to log: the query string (which may hold a ticket) is dropped. */
export function loggablePath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}
