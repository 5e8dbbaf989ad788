import { describe, expect, it } from 'vitest';
import {
  compareEpochs,
  type LogWindow,
  logCovers,
  pickLastEventId,
  resetReason,
  sawTheEndByPosition,
  sawTheEndInLog,
} from './replay';

const E = '1700000000000';
const at = (epoch: string, seq: number) => ({ epoch, seq });
const window = (
  epoch: string,
  headSeq: number,
  seqs: number[],
  taskId = 't_other_task',
): LogWindow<{ seq: number; task: { id: string } }> => ({
  epoch,
  headSeq,
  events: seqs.map((seq) => ({ seq, task: { id: taskId } })),
});

describe('logCovers', () => {
  it('covers an exact tail and an up-to-date position', () => {
    expect(logCovers(window(E, 10, [6, 7, 8, 9, 10]), at(E, 5))).toBe(true);
    expect(logCovers(window(E, 10, []), at(E, 10))).toBe(true);
    expect(logCovers(window(E, 0, []), at(E, 0))).toBe(true);
  });
  it('does not cover a trimmed log (the first event is past the position)', () => {
    expect(logCovers(window(E, 10, [8, 9, 10]), at(E, 5))).toBe(false);
    expect(logCovers(window(E, 10, []), at(E, 5))).toBe(false);
  });
  it('does not cover a read with a hole or an extra event', () => {
    expect(logCovers(window(E, 10, [6, 7, 9, 10]), at(E, 5))).toBe(false);
    expect(logCovers(window(E, 10, [6, 7, 8, 9, 10, 11]), at(E, 5))).toBe(false);
  });
  it('does not cover another epoch or a position ahead of the head', () => {
    expect(logCovers(window(E, 10, [6, 7, 8, 9, 10]), at('1600000000000', 5))).toBe(false);
    expect(logCovers(window(E, 10, []), at(E, 11))).toBe(false);
    expect(logCovers(window(E, 0, []), at(E, 1))).toBe(false);
  });
});

describe('resetReason', () => {
  it('names an epoch change before anything else', () => {
    expect(resetReason(window(E, 3, []), at('1600000000000', 9))).toBe('event store was reset');
  });
  it('names a position the log never reached', () => {
    expect(resetReason(window(E, 3, []), at(E, 4))).toBe('unknown event id');
  });
  it('names a trimmed log when the position is behind the head', () => {
    expect(resetReason(window(E, 30, [20]), at(E, 4))).toBe('missed events are no longer retained');
  });
});

describe('compareEpochs', () => {
  it('orders by length first, so a longer digit string is later even when it sorts lower as text', () => {
    expect(compareEpochs('999', '1000')).toBeLessThan(0);
    expect(compareEpochs('1700000000001', '1700000000000')).toBeGreaterThan(0);
    expect(compareEpochs(E, E)).toBe(0);
  });
});

describe('pickLastEventId', () => {
  it('prefers the header when it parses', () => {
    expect(pickLastEventId(`${E}.4`, `${E}.2`)).toBe(`${E}.4`);
  });
  it('uses a valid query id when the header is malformed', () => {
    expect(pickLastEventId('garbage', `${E}.2`)).toBe(`${E}.2`);
  });
  it('keeps the malformed id when nothing parses, so the client gets a reset', () => {
    expect(pickLastEventId('garbage', 'also-bad')).toBe('garbage');
    expect(pickLastEventId(null, 'also-bad')).toBe('also-bad');
  });
  it('answers null when no id was sent', () => {
    expect(pickLastEventId(null, undefined)).toBeNull();
  });
});

describe('sawTheEndByPosition', () => {
  const final = { epoch: E, headSeq: 12, lastEventId: `${E}.10` };
  it('is true at or past the final event, even after the log was trimmed', () => {
    expect(sawTheEndByPosition(at(E, 10), final)).toBe(true);
    expect(sawTheEndByPosition(at(E, 12), final)).toBe(true);
  });
  it('is false before the final event', () => {
    expect(sawTheEndByPosition(at(E, 9), final)).toBe(false);
  });
  it('leaves it to the log past the head or in another epoch', () => {
    expect(sawTheEndByPosition(at(E, 13), final)).toBeUndefined();
    expect(sawTheEndByPosition(at('1600000000000', 10), final)).toBeUndefined();
    expect(sawTheEndByPosition(at(E, 10), { ...final, lastEventId: null })).toBeUndefined();
  });
});

describe('sawTheEndInLog', () => {
  it('is true when the covered log holds nothing more of the task', () => {
    expect(sawTheEndInLog(window(E, 12, [11, 12]), at(E, 10), 't_mine_0001')).toBe(true);
  });
  it('is false when the task has an event after the position', () => {
    expect(sawTheEndInLog(window(E, 12, [11, 12], 't_mine_0001'), at(E, 10), 't_mine_0001')).toBe(false);
  });
  it('is false when the log no longer covers the position', () => {
    expect(sawTheEndInLog(window(E, 12, [12]), at(E, 10), 't_mine_0001')).toBe(false);
  });
});
