/**
 * SSE event ids are `<epoch>.<seq>`: digits and one dot, short, never forgeable from payload
 * text. `seq` counts one user's events; `epoch` names one life of the Redis data set, so an id
 * from before Redis came back empty can never be mistaken for a position in the new log.
 */
export interface EventPosition {
  readonly epoch: string;
  readonly seq: number;
}

const eventIdPattern = /^(\d{1,16})\.(\d{1,15})$/;

export function formatEventId(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

/** Parses an id from `Last-Event-ID`/`?lastEventId=`; anything malformed is `null`, never an error. */
export function parseEventId(raw: string | null | undefined): EventPosition | null {
  if (raw == null || raw.length > 40) return null;
  const m = eventIdPattern.exec(raw);
  if (!m) return null;
  const seq = Number(m[2]);
  if (!Number.isSafeInteger(seq)) return null;
  return { epoch: m[1]!, seq };
}
