// The cursor codec: round trips, and refuses anything it did not sign for this user.
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  INLINE_MAX_IDS,
  entitySetRef,
  normalizeIds,
  packIds,
  packSubset,
  sameSet,
  unpackIds,
  unpackSubset,
} from './entity-set';
import { type CursorState, InvalidCursorError, cursorKey, decodeCursor, encodeCursor } from './pull-cursor';

const key = cursorKey(new TextEncoder().encode('k'.repeat(40)));
const ids = (n: number) => normalizeIds(Array.from({ length: n }, () => randomUUID()));

describe('pull cursor', () => {
  const set = ids(3);
  const state: CursorState = {
    userId: 'u1',
    main: { txid: '123', seq: '45' },
    watermark: '130',
    set: entitySetRef(set),
    catchUp: { subset: packSubset(set, new Set([set[1]!])), from: { txid: '0', seq: '0' } },
  };

  it('round-trips its state', () => {
    expect(decodeCursor(key, encodeCursor(key, state), 'u1')).toEqual(state);
    const big = ids(INLINE_MAX_IDS + 1);
    const hashed: CursorState = { ...state, set: entitySetRef(big) };
    expect(hashed.set.kind).toBe('hash');
    expect(decodeCursor(key, encodeCursor(key, hashed), 'u1')).toEqual({ ...hashed });
    const byRole: CursorState = { ...hashed, allEntities: true };
    expect(decodeCursor(key, encodeCursor(key, byRole), 'u1')).toEqual(byRole);
  });

  it('refuses another user, another key, an edited body or tag, and garbage', () => {
    const c = encodeCursor(key, state);
    const [body, tag] = c.split('.') as [string, string];
    const other = cursorKey(new TextEncoder().encode('x'.repeat(40)));
    const cases = [
      () => decodeCursor(key, c, 'u2'),
      () => decodeCursor(other, c, 'u1'),
      () => decodeCursor(key, `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${tag}`, 'u1'),
      () => decodeCursor(key, `${body}.${tag.slice(1)}`, 'u1'),
      () => decodeCursor(key, 'nonsense', 'u1'),
      () => decodeCursor(key, '..', 'u1'),
    ];
    for (const f of cases) expect(f).toThrow(InvalidCursorError);
  });

  it('refuses a well-signed body that is not a cursor', () => {
    const body = Buffer.from(JSON.stringify({ v: 1, u: 'u1' })).toString('base64url');
    const tag = createHmac('sha256', key).update(body).digest('base64url');
    expect(() => decodeCursor(key, `${body}.${tag}`, 'u1')).toThrow(InvalidCursorError);
  });
});

describe('entity sets in a cursor', () => {
  it('pack ids and subsets losslessly', () => {
    const set = ids(20);
    expect(unpackIds(packIds(set))).toEqual(set);
    const sub = new Set([set[0]!, set[7]!, set[19]!]);
    expect(unpackSubset(set, packSubset(set, sub))).toEqual([set[0], set[7], set[19]]);
    expect(packSubset(set, new Set(set))).toBe('*');
    expect(unpackSubset(set, '*')).toEqual(set);
    expect(unpackSubset(set, 'AAAAAA')).toBeUndefined(); // 4 bytes: wrong size for 20 ids
  });

  it('compare by ids when small and by hash when large', () => {
    const small = ids(2);
    expect(sameSet(entitySetRef(small), [...small])).toBe(true);
    expect(sameSet(entitySetRef(small), small.slice(1))).toBe(false);
    const large = ids(INLINE_MAX_IDS + 5);
    const ref = entitySetRef(large);
    expect(ref.kind).toBe('hash');
    expect(sameSet(ref, [...large])).toBe(true);
    expect(sameSet(ref, large.slice(1))).toBe(false);
    expect(sameSet(ref, normalizeIds([...large.slice(1), randomUUID()]))).toBe(false);
  });
});
