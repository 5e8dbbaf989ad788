import pino, { type Logger } from 'pino';

/** Structured JSON logs. Credentials never reach them: headers and query strings are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
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
  });
}

/** A request path safe to log: the query string (which may hold a ticket) is dropped. */
export function loggablePath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}
