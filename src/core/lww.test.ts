import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, formatHlc } from './hlc';
import { lwwWinner } from './lww';

const stamp = fc
  .record({
    ms: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    counter: fc.integer({ min: 0, max: 0xffff }),
    node: fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  })
  .map(formatHlc);

describe('last write wins', () => {
  it('the winner is always the later stamp, and equal stamps keep the stored write', () => {
    fc.assert(
      fc.property(stamp, stamp, (stored, incoming) => {
        const w = lwwWinner(stored, incoming);
        const winnerStamp = w === 'incoming' ? incoming : stored;
        const loserStamp = w === 'incoming' ? stored : incoming;
        expect(compareHlc(winnerStamp, loserStamp)).toBeGreaterThanOrEqual(0);
        if (stored === incoming) expect(w).toBe('stored');
      }),
    );
  });

  it('breaks a tie in time and counter by node id', () => {
    const t = Date.parse('2026-11-26T07:04:45.123Z');
    const a = formatHlc({ ms: t, counter: 3, node: 'dev_a' });
    const b = formatHlc({ ms: t, counter: 3, node: 'dev_b' });
    expect(lwwWinner(a, b)).toBe('incoming');
    expect(lwwWinner(b, a)).toBe('stored');
    expect(lwwWinner(a, a)).toBe('stored');
  });

  it('a later time wins over a higher counter', () => {
    const t = Date.parse('2026-11-26T07:04:45.123Z');
    expect(lwwWinner(formatHlc({ ms: t, counter: 0xffff, node: 'z' }), formatHlc({ ms: t + 1, counter: 0, node: 'a' }))).toBe('incoming');
  });
});
