import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range';

describe('the Range header of a download', () => {
  it('reads one range in its three forms, clamped to the content', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'range', range: { start: 0, end: 9 } });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'range', range: { start: 90, end: 99 } });
    expect(parseRange('bytes=-5', 100)).toEqual({ kind: 'range', range: { start: 95, end: 99 } });
    expect(parseRange('bytes=50-1000', 100)).toEqual({ kind: 'range', range: { start: 50, end: 99 } });
    expect(parseRange('bytes=-1000', 100)).toEqual({ kind: 'range', range: { start: 0, end: 99 } });
  });

  it('answers a range past the end as unsatisfiable', () => {
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=9-5', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });

  it('serves the whole content for no header, several ranges or another unit', () => {
    for (const h of [null, 'bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=a-b']) expect(parseRange(h, 100), String(h)).toEqual({ kind: 'whole' });
  });
});
