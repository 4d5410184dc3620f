import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampHlc, compareHlc, formatHlc, initialHlc, parseHlc, receiveHlc, tickHlc } from './hlc';

const T = Date.parse('2026-11-26T07:04:45.123Z');

describe('hybrid logical clock', () => {
  it('formats as the protocol example', () => {
    expect(formatHlc({ ms: T, counter: 0, node: 'dev_8f2c' })).toBe('2026-11-26T07:04:45.123Z-0000-dev_8f2c');
  });

  it('parses what it formats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), fc.integer({ min: 0, max: 0xffff }), (ms, counter) => {
        expect(parseHlc(formatHlc({ ms, counter, node: 'n1' }))).toEqual({ ms, counter, node: 'n1' });
      }),
    );
  });

  it('rejects malformed stamps', () => {
    for (const bad of ['', 'x', '2026-11-26T07:04:45.123Z-000G-a', '2026-11-26T07:04:45.123Z-0000-', '2026-13-45T07:04:45.123Z-0000-a'])
      expect(() => parseHlc(bad)).toThrow();
  });

  it('ticks forward even when the wall clock stands still or goes back', () => {
    let s = initialHlc('a');
    const seen: string[] = [];
    for (const now of [T, T, T - 5000, T + 1, T + 1]) {
      s = tickHlc(s, now);
      seen.push(formatHlc(s));
    }
    expect([...seen].sort(compareHlc)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('after receiving a stamp, the next local stamp is later than it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 0xffff }), (local, remoteMs, rc) => {
        const remote = formatHlc({ ms: remoteMs, counter: rc, node: 'zzz' });
        const s = tickHlc(receiveHlc(initialHlc('a', local), remote, local), local);
        expect(compareHlc(formatHlc(s), remote)).toBe(1);
      }),
    );
  });

  it('borrows a millisecond when the counter runs out', () => {
    const s = tickHlc({ ms: T, counter: 0xffff, node: 'a' }, T);
    expect(s).toEqual({ ms: T + 1, counter: 0, node: 'a' });
  });

  it('clamps stamps more than the limit ahead, keeping counter and node', () => {
    const ahead = formatHlc({ ms: T + 10 * 60_000, counter: 7, node: 'dev' });
    expect(clampHlc(ahead, T, 5 * 60_000)).toEqual({ hlc: formatHlc({ ms: T, counter: 7, node: 'dev' }), clamped: true });
    const near = formatHlc({ ms: T + 4 * 60_000, counter: 7, node: 'dev' });
    expect(clampHlc(near, T, 5 * 60_000)).toEqual({ hlc: near, clamped: false });
  });
});
