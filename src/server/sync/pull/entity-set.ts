// The set of entities a pull cursor was computed for, kept inside the cursor so the next pull
// can tell which entities the user gained or lost since. Small sets travel as their ids
// (16 bytes each); sets larger than INLINE_MAX_IDS travel as a hash, and a changed hashed set
// is handled conservatively by the pull plan (see pull-plan.ts). Pure: no I/O.
import { createHash } from 'node:crypto';

/** Above this many ids the cursor keeps a hash of the set instead (cursor stays under ~4 KB). */
export const INLINE_MAX_IDS = 128;

export type EntitySetRef =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'hash'; readonly hash: string; readonly size: number };

/** Lower-cased, de-duplicated, sorted: the one form sets are compared and hashed in. */
export function normalizeIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))].sort();
}

export function hashIds(sorted: readonly string[]): string {
  return createHash('sha256').update(sorted.join(',')).digest().subarray(0, 16).toString('base64url');
}

export function entitySetRef(sorted: readonly string[]): EntitySetRef {
  return sorted.length <= INLINE_MAX_IDS
    ? { kind: 'ids', ids: sorted }
    : { kind: 'hash', hash: hashIds(sorted), size: sorted.length };
}

/** Whether `sorted` is the set `ref` was made from. */
export function sameSet(ref: EntitySetRef, sorted: readonly string[]): boolean {
  if (ref.kind === 'hash') return ref.size === sorted.length && ref.hash === hashIds(sorted);
  return ref.ids.length === sorted.length && ref.ids.every((id, i) => id === sorted[i]);
}

const UUID_HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** UUIDs packed as 16 bytes each, base64url. */
export function packIds(ids: readonly string[]): string {
  const buf = Buffer.alloc(ids.length * 16);
  ids.forEach((id, i) => {
    if (!UUID_HEX.test(id)) throw new Error(`not a lower-case uuid: ${id}`);
    buf.write(id.replaceAll('-', ''), i * 16, 'hex');
  });
  return buf.toString('base64url');
}

/** Inverse of packIds; undefined when `packed` is not a whole number of ids. */
export function unpackIds(packed: string): string[] | undefined {
  const buf = Buffer.from(packed, 'base64url');
  if (buf.length % 16 !== 0 || buf.toString('base64url') !== packed) return undefined;
  const ids: string[] = [];
  for (let at = 0; at < buf.length; at += 16) {
    const h = buf.subarray(at, at + 16).toString('hex');
    ids.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }
  return ids;
}

/** A subset of `sorted` as a bitmap over its positions, base64url; `*` for all of it. */
export function packSubset(sorted: readonly string[], subset: ReadonlySet<string>): string {
  if (sorted.every((id) => subset.has(id))) return '*';
  const bits = Buffer.alloc(Math.ceil(sorted.length / 8));
  sorted.forEach((id, i) => {
    if (subset.has(id)) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits.toString('base64url');
}

/** Inverse of packSubset over the same sorted set; undefined when the bitmap does not fit it. */
export function unpackSubset(sorted: readonly string[], packed: string): string[] | undefined {
  if (packed === '*') return [...sorted];
  const bits = Buffer.from(packed, 'base64url');
  if (bits.length !== Math.ceil(sorted.length / 8) || bits.toString('base64url') !== packed) return undefined;
  return sorted.filter((_, i) => (bits[i >> 3]! & (1 << (i & 7))) !== 0);
}
