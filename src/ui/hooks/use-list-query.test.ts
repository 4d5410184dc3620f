import { describe, expect, it } from 'vitest';
import type { LocalRecord } from '@/client';
import { fakeDb } from '@/client/testing/fake-env';
import { readCompactRows } from './use-list-query';

const ENTITY = '0193a000-0000-7000-8000-00000000c001';
const OTHER = '0193a000-0000-7000-8000-00000000c002';
const hex = (n: number) => n.toString(16).padStart(12, '0');
// Each pair of records shares a stamp: paging must neither skip nor repeat them.
const stamp = (i: number) => `${new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 2) * 1000).toISOString()}-0000-dev_a`;

function record(i: number, over: Partial<LocalRecord> = {}): LocalRecord {
  return {
    id: `0193b000-0000-7000-8000-${hex(i)}`, type: 'assessment', entityId: ENTITY, data: { title: `A ${i}`, ...(i % 4 === 0 ? { formId: 'f' } : {}) },
    deleted: false, version: 1, hlc: stamp(i), updatedBy: null, server: null, ...over,
  };
}

describe('reading a long list from the device', () => {
  it('reads every live assessment of the entity once, page after page, newest or oldest first', async () => {
    const db = fakeDb('list-rows');
    const n = 1000;
    await db.records.bulkPut([
      ...Array.from({ length: n }, (_, i) => record(i, { deleted: i % 100 === 7 })),
      record(n, { entityId: OTHER }),
      record(n + 1, { type: 'response' }),
    ]);
    const newest = await readCompactRows(db, ENTITY, true);
    const live = Array.from({ length: n }, (_, i) => i).filter((i) => i % 100 !== 7);
    expect(newest).toHaveLength(live.length);
    expect(new Set(newest.map((r) => r.id)).size).toBe(live.length);
    expect(newest.map((r) => r.hlc)).toEqual([...newest.map((r) => r.hlc)].sort().reverse());
    expect(newest[0]).toMatchObject({ title: 'A 999', formId: null });
    const oldest = await readCompactRows(db, ENTITY, false);
    expect(oldest.map((r) => r.hlc)).toEqual([...oldest.map((r) => r.hlc)].sort());
    expect(oldest[0]).toMatchObject({ title: 'A 0', formId: 'f' });
    db.close();
  });
});
