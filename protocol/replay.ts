import { type EventPosition, parseEventId } from './event-id';

/**
 * Replay rules over plain data: whether a user's event log can resume a client exactly, why not,
 * and whether a per-task stream's client already has its end. The server reads the log from
 * Redis and the mocks from memory; both decide here.
 */

/** A read of one user's log: its epoch, its latest seq, and the events it still holds after some position. */
export interface LogWindow<E extends { readonly seq: number } = { readonly seq: number }> {
  readonly epoch: string;
  /** The user's latest seq (0 when none). */
  readonly headSeq: number;
  /** Events after the asked position, in seq order. */
  readonly events: readonly E[];
}

/** Orders epochs (digit strings, ms timestamps) without going through floating point. */
export function compareEpochs(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `log` holds every event after `from` (same epoch, none trimmed, none unknown). */
export function logCovers(log: LogWindow, from: EventPosition): boolean {
  if (log.epoch !== from.epoch || from.seq > log.headSeq) return false;
  const missing = log.headSeq - from.seq;
  return log.events.length === missing && (missing === 0 || log.events[0]?.seq === from.seq + 1);
}

/** The `reset` reason a client gets when `log` does not cover `from`. */
export function resetReason(log: Pick<LogWindow, 'epoch' | 'headSeq'>, from: EventPosition): string {
  if (log.epoch !== from.epoch) return 'event store was reset';
  if (from.seq > log.headSeq) return 'unknown event id';
  return 'missed events are no longer retained';
}

/** The reason for a resume id that does not parse. */
export const malformedIdReason = 'malformed Last-Event-ID';

/**
 * The resume id of a request among its candidates in order of precedence (the header, then a
 * `?lastEventId=`): the first that parses, else the first given (which then earns a reset), else
 * null. A malformed header must not hide a valid manual id.
 */
export function pickLastEventId(...candidates: (string | null | undefined)[]): string | null {
  const given = candidates.filter((c): c is string => c != null);
  return given.find((c) => parseEventId(c) !== null) ?? given[0] ?? null;
}

/** Where a finished task's final event sits, read together with the user's log head. */
export interface FinalEventAt {
  readonly epoch: string;
  readonly headSeq: number;
  /** Id of the task's last event (its terminal one once finished). */
  readonly lastEventId: string | null;
}

/**
 * Whether a client at `from` already has a finished task's final event, decided from the task
 * alone; `undefined` when only the log can tell. Known from the task itself, it holds after the
 * log was trimmed — otherwise the client would get reset + the final event again and reconnect
 * with the same id for ever.
 */
export function sawTheEndByPosition(from: EventPosition, at: FinalEventAt): boolean | undefined {
  const final = parseEventId(at.lastEventId);
  if (final && from.epoch === final.epoch && from.epoch === at.epoch) {
    if (from.seq >= final.seq && from.seq <= at.headSeq) return true;
    if (from.seq < final.seq) return false;
  }
  return undefined;
}

/** Whether the log shows nothing of `taskId` after `from` (and covers it, so nothing is hidden). */
export function sawTheEndInLog(
  log: LogWindow<{ readonly seq: number; readonly task: { readonly id: string } }>,
  from: EventPosition,
  taskId: string,
): boolean {
  return logCovers(log, from) && !log.events.some((ev) => ev.task.id === taskId);
}
