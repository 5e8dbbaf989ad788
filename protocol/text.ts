import { z } from 'zod';

/**
 * Characters no person-readable text may carry. CR and LF would end an SSE line (the framer
 * escapes them anyway, this keeps them out of stored state too); NUL and U+2028/U+2029 break
 * logs, terminals and older JSON-in-JS consumers.
 */
const forbiddenText = /[\r\n\0\u2028\u2029]/;

export function hasForbiddenText(value: string): boolean {
  return forbiddenText.test(value);
}

/** A single-line string a person reads: no CR, LF, NUL or line/paragraph separators. */
export function safeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !hasForbiddenText(s), {
      message: 'must not contain CR, LF, NUL, U+2028 or U+2029',
    });
}
