import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, MAX_RETRY_AFTER_MS, backoffCeiling, backoffDelay } from './backoff';

describe('backoff', () => {
  it('stays within [ceiling/2, ceiling] and never exceeds maxMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (retry, r) => {
        const d = backoffDelay(retry, r);
        const c = backoffCeiling(retry);
        expect(d).toBeGreaterThanOrEqual(Math.floor(c / 2));
        expect(d).toBeLessThanOrEqual(c);
        expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
      }),
    );
  });

  it('grows exponentially until the cap', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, 0.999999)).toBe(DEFAULT_BACKOFF.maxMs);
    for (let n = 0; n < 5; n++) expect(backoffDelay(n + 1, 0)).toBe(2 * backoffDelay(n, 0));
  });

  it('spreads over the whole jitter range', () => {
    expect(backoffDelay(2, 0)).toBe(2000);
    expect(backoffDelay(2, 0.5)).toBe(3000);
    expect(backoffDelay(2, 0.999999)).toBe(4000);
  });

  it('lets Retry-After win over the computed delay, shorter or longer', () => {
    expect(backoffDelay(0, 0.5, 30)).toBe(30_000);
    expect(backoffDelay(10, 0.5, 0)).toBe(0);
    expect(backoffDelay(10, 0.5, 2)).toBe(2_000);
    expect(backoffDelay(0, 0.5, 10 ** 9)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('ignores a nonsensical Retry-After', () => {
    expect(backoffDelay(1, 0, Number.NaN)).toBe(1000);
    expect(backoffDelay(1, 0, -5)).toBe(1000);
  });

  it('honours custom options', () => {
    const opts = { baseMs: 100, maxMs: 250, factor: 3 };
    expect(backoffDelay(0, 0.999999, undefined, opts)).toBe(100);
    expect(backoffDelay(1, 0.999999, undefined, opts)).toBe(250);
  });
});
