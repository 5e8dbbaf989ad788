import type { StreamEventName } from '../../protocol';

const eventIdPattern = /^\d{1,16}\.\d{1,15}$/;
const lineBreak = /\r\n|\r|\n/;

/**
 * Frames one SSE message. The name comes from the fixed list, the id is digits-and-dot only, and
 * `data` is split on CR, LF and CRLF into `data:` lines — so no payload can end the message early,
 * forge an `event:`/`id:` line or inject a `retry:`. A client joins the lines back with LF.
 */
export function frameEvent(name: StreamEventName, data: string, id?: string): string {
  if (id !== undefined && !eventIdPattern.test(id))
    throw new Error(`refusing to frame event id ${JSON.stringify(id)}`);
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${name}\n${frameData(data)}\n`;
}

function frameData(data: string): string {
  if (!lineBreak.test(data)) return `data: ${data}\n`;
  let out = '';
  for (const line of data.split(lineBreak)) out += `data: ${line}\n`;
  return out;
}

/** Frames a JSON payload. JSON.stringify never emits raw CR/LF; U+2028/2029 are escaped too. */
export function frameJson(name: StreamEventName, value: unknown, id?: string): string {
  return frameEvent(name, JSON.stringify(value).replace(/[\u2028\u2029]/g, escapeSeparator), id);
}

function escapeSeparator(c: string): string {
  return c === '\u2028' ? '\\u2028' : '\\u2029';
}

/** The reconnect delay EventSource should wait, in ms. */
export function frameRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
