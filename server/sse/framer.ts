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

/**
 * Frames a logged event: `data` is `{"task":…}` cut from the logged JSON without copying it twice
 * more. JSON text holds no raw CR or LF, so the line scan is two `indexOf`s instead of a regex over
 * the whole payload; should one ever be there, it is framed the careful way.
 */
export function frameLoggedEvent(name: StreamEventName, id: string, loggedJson: string): string {
  const data = `{${loggedJson.slice(loggedJson.indexOf('"task":'))}`;
  if (!eventIdPattern.test(id) || data.includes('\n') || data.includes('\r'))
    return frameEvent(name, data, id);
  return `id: ${id}\nevent: ${name}\ndata: ${data}\n\n`;
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

/**
 * A `snapshot` frame from tasks as stored (JSON the schema accepted when it was written), unparsed:
 * `active` and `finished` are each `a,b,…` of task objects, or ''.
 */
export function snapshotFrame(active: string, finished: string): string {
  const tasks = active && finished ? `${active},${finished}` : active || finished;
  return frameEvent('snapshot', `{"tasks":[${tasks}]}`);
}

/** The reconnect delay EventSource should wait, in ms. */
export function frameRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
