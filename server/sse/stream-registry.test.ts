import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloseListener, SseStream, StreamEndReason } from './sse-stream';
import { StreamRegistry } from './stream-registry';

/** Just what the registry touches of a stream: what it was sent, and how it ended. */
function fakeStream(userId: string, expiresAt: number) {
  const listeners: CloseListener[] = [];
  const fake = {
    userId,
    expiresAt,
    openedAt: Date.now(),
    lastDrainedAt: Date.now(),
    bufferedBytes: 0,
    sent: [] as string[],
    endedWith: null as StreamEndReason | null,
    send(name: string) {
      fake.sent.push(name);
    },
    write() {},
    end(reason: StreamEndReason) {
      fake.endedWith = reason;
      for (const l of listeners) {
        if (typeof l === 'function') l(reason);
        else l.streamClosed(reason, fake as unknown as SseStream);
      }
    },
    onClose(listener: CloseListener) {
      listeners.push(listener);
    },
  };
  return { fake, stream: fake as unknown as SseStream };
}

describe('StreamRegistry session expiry', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('ends each stream with auth-expired at its own expiry, one timer for all, and forgets closed ones', () => {
    const registry = new StreamRegistry({ heartbeatMs: 60_000, maxStreamsPerUser: 10 });
    const early = fakeStream('u1', 1_005_000);
    const sameSecond = fakeStream('u2', 1_005_000);
    const late = fakeStream('u3', 1_009_000);
    const leftEarly = fakeStream('u4', 1_005_000);
    for (const s of [late, early, sameSecond, leftEarly]) registry.add(s.stream);
    leftEarly.fake.end('client-closed');

    vi.advanceTimersByTime(4_999);
    expect([early.fake.endedWith, sameSecond.fake.endedWith, late.fake.endedWith]).toEqual([
      null,
      null,
      null,
    ]);
    vi.advanceTimersByTime(1);
    expect(early.fake.sent).toEqual(['auth-expired']);
    expect([early.fake.endedWith, sameSecond.fake.endedWith]).toEqual(['auth-expired', 'auth-expired']);
    expect(late.fake.endedWith).toBeNull();
    expect(leftEarly.fake.sent).toEqual([]);
    expect(registry.size).toBe(1);

    vi.advanceTimersByTime(4_000);
    expect(late.fake.endedWith).toBe('auth-expired');
    expect(registry.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
