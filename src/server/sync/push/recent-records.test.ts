import { describe, expect, it } from 'vitest';
import type { RecordState } from '@/core/apply-change';
import { RecentRecords } from './recent-records';

const state = (version: number, data: Record<string, unknown> = { v: version }): RecordState => ({
  type: 'assessment',
  entityId: 'e',
  version,
  data,
  deleted: false,
  hlc: `2026-11-26T10:00:0${version}.000Z-0000-dev_a`,
  updatedBy: 'u',
  deviceId: 'dev_a',
});

describe('recent records', () => {
  it('keep the most recently touched records up to their bound', () => {
    const recent = new RecentRecords(2);
    recent.remember([['a', state(1)], ['b', state(1)]]);
    recent.remember([['a', state(2)]]); // a is touched again: b is now the oldest
    recent.remember([['c', state(1)]]);
    expect([recent.get('a')?.version, recent.get('b'), recent.get('c')?.version, recent.size]).toEqual([2, undefined, 1, 2]);
  });

  it('keep nothing when their bound is 0 (FIELDSYNC_KNOWN_RECORDS=0)', () => {
    const recent = new RecentRecords(0);
    recent.remember([['a', state(1)]]);
    expect([recent.get('a'), recent.size]).toEqual([undefined, 0]);
  });

  it('never go back to an older version of a record (a read that raced a later write)', () => {
    const recent = new RecentRecords();
    recent.remember([['a', state(3)]]);
    recent.remember([['a', state(2)]]);
    expect(recent.get('a')?.version).toBe(3);
  });

  it('hand out each record as its own object, with the data it was stored with', () => {
    const recent = new RecentRecords();
    const data = { title: 'x', nested: { n: 1 } };
    recent.remember([['a', state(1, data)]], new Map([[data, JSON.stringify(data)]]));
    const one = recent.get('a')!;
    const two = recent.get('a')!;
    expect(one).not.toBe(two);
    expect(one.data).toEqual(data);
    expect(one.data).not.toBe(two.data);
    expect({ ...pick(one), data: one.data }).toEqual(state(1, data));
  });
});

function pick(r: RecordState) {
  return { type: r.type, entityId: r.entityId, version: r.version, deleted: r.deleted, hlc: r.hlc, updatedBy: r.updatedBy, deviceId: r.deviceId };
}
