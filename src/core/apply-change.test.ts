import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECORD_TYPES } from '@/protocol/records';
import { type IncomingChange, type RecordState, applyChange } from './apply-change';
import { clampHlc, compareHlc, formatHlc } from './hlc';

const T = Date.parse('2026-11-26T08:00:00.000Z');
const FIVE_MIN = 5 * 60_000;
const E1 = '0193a000-0000-7000-8000-00000000c001';
const E2 = '0193a000-0000-7000-8000-00000000c002';

const stampAt = (ms: number, counter = 0, node = 'dev_a') => formatHlc({ ms, counter, node });
const unclamped = (hlc: string) => ({ hlc, clamped: false });

const stored = (over: Partial<RecordState> = {}): RecordState => ({
  type: 'assessment',
  entityId: E1,
  version: 3,
  data: { v: 'stored' },
  deleted: false,
  hlc: stampAt(T - 1000, 0, 'dev_s'),
  updatedBy: 'user-s',
  deviceId: 'dev_s',
  ...over,
});

const change = (over: Partial<IncomingChange> = {}): IncomingChange => ({
  type: 'assessment',
  action: 'update',
  entityId: E1,
  baseVersion: 3,
  hlc: stampAt(T, 0, 'dev_c'),
  data: { v: 'incoming' },
  userId: 'user-c',
  deviceId: 'dev_c',
  ...over,
});

const stampArb = fc
  .record({
    ms: fc.integer({ min: T - 10 * FIVE_MIN, max: T + 10 * FIVE_MIN }),
    counter: fc.integer({ min: 0, max: 3 }),
    node: fc.constantFrom('dev_a', 'dev_b', 'server'),
  })
  .map(formatHlc);
const stateArb: fc.Arbitrary<RecordState> = fc.record({
  type: fc.constantFrom(...RECORD_TYPES),
  entityId: fc.constantFrom(E1, E2),
  version: fc.integer({ min: 1, max: 5 }),
  data: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()),
  deleted: fc.boolean(),
  hlc: stampArb,
  updatedBy: fc.constantFrom('user-a', 'user-b'),
  deviceId: fc.constantFrom('dev_a', 'dev_b'),
});
const changeArb: fc.Arbitrary<IncomingChange> = fc.record({
  type: fc.constantFrom(...RECORD_TYPES),
  action: fc.constantFrom('create', 'update', 'delete'),
  entityId: fc.constantFrom(E1, E2),
  baseVersion: fc.integer({ min: 0, max: 6 }),
  hlc: stampArb,
  data: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()),
  userId: fc.constantFrom('user-a', 'user-b'),
  deviceId: fc.constantFrom('dev_a', 'dev_b'),
});

describe('applying one change', () => {
  it('creates version 1 when the record does not exist', () => {
    const out = applyChange(undefined, change({ action: 'create', baseVersion: 0 }), unclamped(stampAt(T)));
    expect(out).toEqual({
      kind: 'applied',
      record: { type: 'assessment', entityId: E1, version: 1, data: { v: 'incoming' }, deleted: false, hlc: stampAt(T), updatedBy: 'user-c', deviceId: 'dev_c' },
    });
  });

  it('refuses an update or delete of a record the server never had', () => {
    for (const action of ['update', 'delete'] as const)
      expect(applyChange(undefined, change({ action }), unclamped(stampAt(T)))).toMatchObject({ kind: 'rejected', code: 'NOT_FOUND' });
  });

  it('applies a change based on the stored version as the next version', () => {
    const out = applyChange(stored(), change(), unclamped(stampAt(T)));
    expect(out).toMatchObject({ kind: 'applied', record: { version: 4, data: { v: 'incoming' }, deleted: false } });
  });

  it('a delete leaves a tombstone with the last data, and an update based on it brings it back', () => {
    const del = applyChange(stored(), change({ action: 'delete', data: undefined }), unclamped(stampAt(T)));
    expect(del).toMatchObject({ kind: 'applied', record: { version: 4, deleted: true, data: { v: 'stored' } } });
    if (del.kind !== 'applied') throw new Error('expected applied');
    const back = applyChange(del.record, change({ baseVersion: 4, data: { v: 'back' } }), unclamped(stampAt(T + 1)));
    expect(back).toMatchObject({ kind: 'applied', record: { version: 5, deleted: false, data: { v: 'back' } } });
  });

  it('a create of an existing record is a conflict based on version 0', () => {
    const out = applyChange(stored(), change({ action: 'create', baseVersion: 0 }), unclamped(stampAt(T)));
    expect(out).toMatchObject({ kind: 'conflict', resolution: 'client_wins', record: { version: 4 }, loser: { version: 3 }, winner: { version: 4 } });
    const older = applyChange(stored(), change({ action: 'create', baseVersion: 0, hlc: stampAt(T - 5000) }), unclamped(stampAt(T - 5000)));
    expect(older).toMatchObject({ kind: 'conflict', resolution: 'server_wins', loser: { version: 0, data: { v: 'incoming' } } });
  });

  it('on a stale base the later stamp wins and both sides are kept in full', () => {
    const s = stored();
    const win = applyChange(s, change({ baseVersion: 2 }), unclamped(stampAt(T)));
    expect(win).toEqual({
      kind: 'conflict',
      resolution: 'client_wins',
      record: { ...s, version: 4, data: { v: 'incoming' }, hlc: stampAt(T), updatedBy: 'user-c', deviceId: 'dev_c' },
      winner: { data: { v: 'incoming' }, deleted: false, hlc: stampAt(T), version: 4, userId: 'user-c', deviceId: 'dev_c' },
      loser: { data: { v: 'stored' }, deleted: false, hlc: s.hlc, version: 3, userId: 'user-s', deviceId: 'dev_s' },
      clampedFrom: null,
    });
    const old = stampAt(T - 2000, 0, 'dev_c');
    const lose = applyChange(s, change({ baseVersion: 2, hlc: old }), unclamped(old));
    expect(lose).toEqual({
      kind: 'conflict',
      resolution: 'server_wins',
      record: s,
      winner: { data: { v: 'stored' }, deleted: false, hlc: s.hlc, version: 3, userId: 'user-s', deviceId: 'dev_s' },
      loser: { data: { v: 'incoming' }, deleted: false, hlc: old, version: 2, userId: 'user-c', deviceId: 'dev_c' },
      clampedFrom: null,
    });
  });

  it('equal stamps keep the stored write', () => {
    const s = stored();
    expect(applyChange(s, change({ baseVersion: 1, hlc: s.hlc }), unclamped(s.hlc))).toMatchObject({ resolution: 'server_wins' });
  });

  it('compares the clamped stamp and keeps the one sent as clampedFrom', () => {
    const far = stampAt(T + 60 * 60_000, 5, 'dev_c');
    const clamp = clampHlc(far, T, FIVE_MIN);
    const s = stored({ hlc: stampAt(T + 1000, 0, 'dev_s') });
    // Unclamped, the far-future stamp would win; clamped to T it is older than the stored one.
    const out = applyChange(s, change({ baseVersion: 1, hlc: far }), clamp);
    expect(out).toMatchObject({ kind: 'conflict', resolution: 'server_wins', loser: { hlc: clamp.hlc }, clampedFrom: far });
  });

  it('refuses to move a record to another entity or change its type', () => {
    expect(applyChange(stored(), change({ entityId: E2 }), unclamped(stampAt(T)))).toMatchObject({ kind: 'rejected', code: 'FORBIDDEN' });
    expect(applyChange(stored(), change({ type: 'response' }), unclamped(stampAt(T)))).toMatchObject({ kind: 'rejected', code: 'VALIDATION' });
  });

  describe('properties', () => {
    const run = (current: RecordState | undefined, c: IncomingChange) => applyChange(current, c, clampHlc(c.hlc, T, FIVE_MIN));

    it('every change has exactly one outcome: applied, conflict with both sides logged, or rejected', () => {
      fc.assert(
        fc.property(fc.option(stateArb, { nil: undefined }), changeArb, (current, c) => {
          const out = run(current, c);
          expect(['applied', 'conflict', 'rejected']).toContain(out.kind);
          if (out.kind === 'conflict') {
            expect(out.winner).toBeDefined();
            expect(out.loser).toBeDefined();
          }
        }),
      );
    });

    it('in a conflict the winner carries the larger stamp, and the record holds the winner', () => {
      fc.assert(
        fc.property(stateArb, changeArb, (current, c) => {
          const out = run({ ...current, type: c.type, entityId: c.entityId }, c);
          if (out.kind !== 'conflict') return;
          expect(compareHlc(out.winner.hlc, out.loser.hlc)).toBeGreaterThanOrEqual(0);
          expect(out.record.hlc).toBe(out.winner.hlc);
          expect(out.record.data).toEqual(out.winner.data);
          expect(out.record.deleted).toBe(out.winner.deleted);
          expect(out.record.version).toBe(out.winner.version);
        }),
      );
    });

    it('a write that is stored gets exactly the next version; server_wins changes nothing', () => {
      fc.assert(
        fc.property(stateArb, changeArb, (current, c) => {
          const out = run({ ...current, type: c.type, entityId: c.entityId }, c);
          if (out.kind === 'applied' || (out.kind === 'conflict' && out.resolution === 'client_wins')) {
            expect(out.record.version).toBe(current.version + 1);
            expect(out.record.updatedBy).toBe(c.userId);
            expect(out.record.deleted).toBe(c.action === 'delete');
          }
          if (out.kind === 'conflict' && out.resolution === 'server_wins') expect(out.record).toEqual({ ...current, type: c.type, entityId: c.entityId });
        }),
      );
    });

    it('applies without conflict exactly when the base version is the stored one', () => {
      fc.assert(
        fc.property(stateArb, changeArb, (current, c) => {
          const out = run({ ...current, type: c.type, entityId: c.entityId }, c);
          const base = c.action === 'create' ? 0 : c.baseVersion;
          expect(out.kind === 'applied').toBe(base === current.version);
        }),
      );
    });

    it('never stores a stamp more than five minutes ahead of the server clock', () => {
      fc.assert(
        fc.property(fc.option(stateArb, { nil: undefined }), changeArb, (current, c) => {
          const out = run(current, c);
          if (out.kind === 'rejected') return;
          if (out.record !== current) expect(Date.parse(out.record.hlc.slice(0, 24))).toBeLessThanOrEqual(T + FIVE_MIN);
        }),
      );
    });
  });
});
