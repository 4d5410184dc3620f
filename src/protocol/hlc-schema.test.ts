import { describe, expect, it } from 'vitest';
import { HlcSchema } from './records';

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
});
