import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HlcSchema, isRealTime } from './records';

describe('the stamp schema', () => {
  it('accepts stamps as devices write them (toISOString time), and refuses a time that does not exist or is not written canonically', () => {
    expect(HlcSchema.safeParse(`${new Date(Date.UTC(2026, 10, 26, 14, 28, 10, 266)).toISOString()}-0003-dev_a`).success).toBe(true);
    expect(HlcSchema.safeParse('2028-02-29T23:59:59.999Z-ffff-n').success).toBe(true);
    for (const bad of [
      '2026-13-01T00:00:00.000Z-0000-n',
      '2026-02-30T00:00:00.000Z-0000-n',
      '2026-02-28T24:00:00.000Z-0000-n',
      '2026-11-26T14:28:60.000Z-0000-n',
      '2026-11-26T14:28:10.266Z-0000-',
      '2026-11-26 14:28:10.266Z-0000-n',
    ])
      expect([bad, HlcSchema.safeParse(bad).success]).toEqual([bad, false]);
  });

  it('decides a real time exactly as a round trip through Date and toISOString does, for every stamp-shaped time', () => {
    const viaDate = (iso: string) => {
      const ms = Date.parse(iso);
      return !Number.isNaN(ms) && new Date(ms).toISOString() === iso;
    };
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    // Years across leap rules (1900, 2000, 2100) and every field past its edge.
    const year = fc.oneof(fc.constantFrom(0, 1900, 1999, 2000, 2024, 2100, 2400, 9999), fc.integer({ min: 0, max: 9999 }));
    const time = fc
      .tuple(year, two(13), two(32), two(25), two(60), two(60), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(time, (iso) => {
        expect([iso, isRealTime(`${iso}-0000-n`)]).toEqual([iso, viaDate(iso)]);
      }),
      { numRuns: 20_000 },
    );
  });
});
