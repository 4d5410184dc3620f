// The Range header of a download (RFC 9110 §14), for one range: `bytes=a-b`, `bytes=a-`,
// `bytes=-n`. Pure. Several ranges, or another unit, are answered whole (200), as servers may.
import type { ByteRange } from './content-store';

export type RangeAsk =
  | { readonly kind: 'whole' }
  | { readonly kind: 'range'; readonly range: ByteRange }
  | { readonly kind: 'unsatisfiable' };

const ONE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | null, size: number): RangeAsk {
  if (header === null) return { kind: 'whole' };
  const m = ONE_RANGE.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end } };
}
