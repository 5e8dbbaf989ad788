import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameEvent, frameJson, frameLoggedEvent, frameRetry } from './framer';

interface Parsed {
  events: EventSourceMessage[];
  retries: number[];
}

/** Parses framed SSE text as a browser would, fed in two chunks split at `splitAt`. */
function parse(text: string, splitAt = text.length): Parsed {
  const events: EventSourceMessage[] = [];
  const retries: number[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  parser.feed(text.slice(0, splitAt));
  parser.feed(text.slice(splitAt));
  return { events, retries };
}

/** Strings made of the characters that break line-based protocols, mixed with ordinary text. */
const hostileChars = fc.constantFrom(
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udc00',
  ':',
);
const hostileString = fc
  .array(
    fc.oneof(
      hostileChars,
      fc.string({ maxLength: 4 }),
      fc.constantFrom('data: x', 'event: cancelled', 'id: 9.9', 'retry: 1'),
    ),
    {
      maxLength: 30,
    },
  )
  .map((parts) => parts.join(''));
const anyString = fc.oneof(fc.string({ unit: 'binary' }), hostileString);

describe('frameJson', () => {
  it('yields exactly one progress event whose JSON data round-trips the text when the text is hostile', () => {
    fc.assert(
      fc.property(anyString, fc.nat(), (s, cut) => {
        const frame = frameJson('progress', { task: { message: s } }, '1.2');
        const { events, retries } = parse(frame, cut % (frame.length + 1));
        expect(events).toHaveLength(1);
        expect(retries).toEqual([]);
        expect(events[0]?.event).toBe('progress');
        expect(events[0]?.id).toBe('1.2');
        expect(JSON.parse(events[0]!.data)).toEqual({ task: { message: s } });
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a single data line when the value holds line breaks and separators', () => {
    const frame = frameJson('progress', { task: { message: 'a\r\nb\rc\nd\u2028e\u2029f' } }, '3.4');
    expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1);
    expect(frame).not.toMatch(/[\r\u2028\u2029]/);
    expect(frame.endsWith('\n\n')).toBe(true);
  });

  it('frames no id line when no id is given', () => {
    const { events } = parse(frameJson('heartbeat', { serverTime: 'x' }));
    expect(events).toEqual([{ event: 'heartbeat', id: undefined, data: '{"serverTime":"x"}' }]);
  });
});

describe('frameEvent', () => {
  it('yields one event whose data equals the text with CR and CRLF turned into LF when the raw data holds line breaks', () => {
    fc.assert(
      fc.property(anyString, fc.nat(), (s, cut) => {
        const frame = frameEvent('progress', s, '12.345');
        const { events, retries } = parse(frame, cut % (frame.length + 1));
        expect(events).toHaveLength(1);
        expect(retries).toEqual([]);
        expect(events[0]?.event).toBe('progress');
        expect(events[0]?.id).toBe('12.345');
        expect(events[0]?.data).toBe(s.replace(/\r\n|\r/g, '\n'));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every forged field inside data when the payload imitates SSE lines', () => {
    const forged = 'x\n\nevent: cancelled\nid: 99.99\nretry: 1\r\n\r\ndata: y';
    const { events, retries } = parse(frameEvent('progress', forged, '1.1'));
    expect(retries).toEqual([]);
    expect(events).toEqual([{ event: 'progress', id: '1.1', data: forged.replace(/\r\n/g, '\n') }]);
  });

  it.each([
    '',
    '1',
    '1.',
    '.1',
    'a.b',
    '1.2.3',
    '1.2\nevent: cancelled',
    '1.2\r',
    ' 1.2',
    '-1.2',
    '12345678901234567.1',
    '1.1234567890123456',
  ])('throws when the id is %j', (id) => {
    expect(() => frameEvent('progress', '{}', id)).toThrow(/refusing to frame event id/);
  });

  it('throws for every id that is not digits, a dot and digits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((id) => !/^\d{1,16}\.\d{1,15}$/.test(id)),
        (id) => {
          expect(() => frameEvent('progress', '{}', id)).toThrow();
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('frameRetry', () => {
  it('frames a whole non-negative number of ms when given a fraction or a negative', () => {
    expect(parse(frameRetry(1234.6)).retries).toEqual([1235]);
    expect(parse(frameRetry(-5)).retries).toEqual([0]);
  });
});

describe('frameLoggedEvent', () => {
  it('frames a logged event exactly as frameEvent frames its data, for any task JSON', () => {
    fc.assert(
      fc.property(anyString, anyString, (message, note) => {
        const task = { id: 't1', message, data: { note } };
        const logged = `{"id":"5.7","type":"progress","task":${JSON.stringify(task)}}`;
        const framed = frameLoggedEvent('progress', '5.7', logged);
        expect(framed).toBe(frameEvent('progress', `{"task":${JSON.stringify(task)}}`, '5.7'));
        const [only, ...rest] = parse(framed).events;
        expect(rest).toEqual([]);
        expect(JSON.parse(only!.data)).toEqual({ task });
      }),
    );
  });

  it('falls back to one data line per line when logged text holds a raw line break', () => {
    const framed = frameLoggedEvent(
      'progress',
      '5.7',
      '{"id":"5.7","type":"progress","task":{"a":"x\r\ny"}}',
    );
    const [only, ...rest] = parse(framed).events;
    expect(rest).toEqual([]);
    expect(only?.data).toBe('{"task":{"a":"x\ny"}}');
    expect(framed).not.toContain('\r');
  });

  it('refuses an id that is not digits, a dot and digits', () => {
    expect(() => frameLoggedEvent('progress', '5.7\nevent: x', '{"id":"5","task":{}}')).toThrow();
  });
});
