import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const options = { baseMs: 1000, capMs: 30_000, floorMs: 1000 };

describe('backoffDelay', () => {
  it('draws uniformly up to a doubling ceiling (full jitter)', () => {
    expect(backoffDelay(1, options, () => 1)).toBe(2000);
    expect(backoffDelay(2, options, () => 1)).toBe(4000);
    expect(backoffDelay(3, options, () => 0.5)).toBe(4000);
    expect(backoffDelay(4, options, () => 0.25)).toBe(4000);
  });

  it('never waits less than the server retry floor', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(1000);
    expect(backoffDelay(6, { ...options, floorMs: 2500 }, () => 0)).toBe(2500);
  });

  it('caps at 30 s however many failures', () => {
    expect(backoffDelay(20, options, () => 0.999_999)).toBe(30_000);
    expect(backoffDelay(1000, options, () => 1)).toBe(30_000);
  });

  it('spreads clients that failed together', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, options, random)));
    expect(delays.size).toBeGreaterThan(40);
  });
});
