import { describe, expect, it } from 'vitest';
import { keys, userOfEventsChannel } from './keys';
import { parseLoggedEvent } from './task-store';

const task = {
  id: 't0abc_0123456789abcdef',
  ownerId: 'u1',
  type: 'po_processing',
  status: 'running',
  // A nested key and text that look like the event's own prefix must not confuse the reader.
  result: { id: '9.9', note: '","type":"completed","task":{' },
  updatedAt: '2026-12-01T00:00:00.000Z',
};
/** As the write script builds it. */
const logged = (id: string, type: string) => `{"id":"${id}","type":"${type}","task":${JSON.stringify(task)}}`;

describe('parseLoggedEvent', () => {
  it('reads id, epoch, seq and type from the prefix the write script gives every event', () => {
    const ev = parseLoggedEvent(logged('1733011200000.42', 'progress'));
    expect(ev).toMatchObject({ id: '1733011200000.42', epoch: '1733011200000', seq: 42, type: 'progress' });
    expect(ev.task).toEqual(task);
    expect(ev.raw).toBe(logged('1733011200000.42', 'progress'));
  });

  it('parses any other shape whole: same fields, from the JSON', () => {
    const reordered = JSON.stringify({ type: 'completed', id: '5.7', task });
    expect(parseLoggedEvent(reordered)).toMatchObject({
      id: '5.7',
      epoch: '5',
      seq: 7,
      type: 'completed',
      task,
    });
  });

  it('does not trust a prefix with an id or event name the contract has no place for', () => {
    expect(parseLoggedEvent(JSON.stringify({ id: '5.7', type: 'hacked', task })).type).toBe('hacked');
    expect(() => parseLoggedEvent('{"id":"5.7","type":"hacked","task":{')).toThrow(SyntaxError);
    expect(() => parseLoggedEvent('{"id":"5.x","type":"progress","task":{')).toThrow(SyntaxError);
    expect(() => parseLoggedEvent('not json')).toThrow(SyntaxError);
  });
});

describe('userOfEventsChannel', () => {
  it('reads the user back from their events channel', () => {
    expect(userOfEventsChannel(keys.events('user_42'))).toBe('user_42');
  });

  it('is null for any other channel or key', () => {
    expect(userOfEventsChannel(keys.meta('user_42'))).toBeNull();
    expect(userOfEventsChannel('ts:events')).toBeNull();
    expect(userOfEventsChannel('ts:{u:}:events')).toBeNull();
  });
});
