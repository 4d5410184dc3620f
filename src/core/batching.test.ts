import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchCandidate, ENVELOPE_BYTES, selectBatch } from './batching';
import type { SyncStatus } from './outbox-state';

type C = BatchCandidate & { seq: number };
let seq = 0;
const c = (recordId: string, action: C['action'], opts: { parentId?: string; status?: SyncStatus; bytes?: number } = {}): C => ({
  seq: seq++,
  recordId,
  action,
  parentId: opts.parentId ?? null,
  status: opts.status ?? 'pending',
  bytes: opts.bytes ?? 100,
});
const ids = (b: C[]) => b.map((x) => `${x.recordId}:${x.action}`);

describe('push batching', () => {
  it('sends at most 100 changes', () => {
    const many = Array.from({ length: 250 }, (_, i) => c(`r${i}`, 'create'));
    expect(selectBatch(many)).toHaveLength(100);
  });

  it('keeps a batch under about 1 MiB, but always sends at least one change', () => {
    const big = Array.from({ length: 10 }, (_, i) => c(`b${i}`, 'create', { bytes: 300 * 1024 }));
    expect(selectBatch(big)).toHaveLength(3);
    expect(selectBatch([c('huge', 'create', { bytes: 5 * 1024 * 1024 })])).toHaveLength(1);
  });

  it('puts a parent before its children and holds children whose parent create is not in the batch', () => {
    const a = c('A', 'create');
    const r = c('R', 'create', { parentId: 'A' });
    const m = c('M', 'create', { parentId: 'R' });
    expect(ids(selectBatch([a, r, m]))).toEqual(['A:create', 'R:create', 'M:create']);
    expect(ids(selectBatch([a, r, m], { maxChanges: 1, maxBytes: 1 << 20 }))).toEqual(['A:create']);
    expect(ids(selectBatch([{ ...a, status: 'syncing' }, r, m]))).toEqual([]);
  });

  it('sends one change per record per batch, in order', () => {
    expect(ids(selectBatch([c('A', 'create'), c('A', 'update'), c('B', 'update')]))).toEqual(['A:create', 'B:update']);
  });

  it('holds back only the dependants of a rejected create', () => {
    const batch = selectBatch([
      c('A', 'create', { status: 'rejected' }),
      c('A', 'update'),
      c('R', 'create', { parentId: 'A' }),
      c('M', 'create', { parentId: 'R' }),
      c('X', 'create'),
      c('Y', 'update', { parentId: 'X' }),
    ]);
    expect(ids(batch)).toEqual(['X:create', 'Y:update']);
  });

  it('lets a rejected update or delete hold back nothing', () => {
    const batch = selectBatch([c('A', 'update', { status: 'rejected' }), c('A', 'update'), c('R', 'create', { parentId: 'A' })]);
    expect(ids(batch)).toEqual(['A:update', 'R:create']);
  });

  it('sends a change marked alone in a batch of its own, holding back only what depends on it', () => {
    const alone = { ...c('a', 'create', { status: 'failed' }), alone: true };
    const child = c('child', 'create', { parentId: 'a' });
    expect(ids(selectBatch([alone, c('x', 'create'), child]))).toEqual(['a:create']);
    expect(ids(selectBatch([c('x', 'create'), alone, child, c('y', 'create')]))).toEqual(['x:create', 'y:create']);
  });

  it('sends failed entries again and never completed ones', () => {
    expect(ids(selectBatch([c('A', 'update', { status: 'failed' }), c('B', 'update', { status: 'completed' })]))).toEqual(['A:update']);
  });

  it('obeys its rules for any outbox (property)', () => {
    const status = fc.constantFrom<SyncStatus>('pending', 'pending', 'failed', 'rejected', 'syncing');
    const entry = fc.record({
      recordId: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      action: fc.constantFrom<C['action']>('create', 'update', 'delete'),
      parentId: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      status,
      bytes: fc.integer({ min: 1, max: 400_000 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (raw, maxChanges) => {
        const list = raw.map((e, i) => ({ ...e, seq: i, parentId: e.parentId === e.recordId ? null : e.parentId }));
        const limits = { maxChanges, maxBytes: 1024 * 1024 };
        const batch = selectBatch(list, limits);
        expect(batch.length).toBeLessThanOrEqual(maxChanges);
        if (batch.length > 1) expect(batch.reduce((n, x) => n + x.bytes + 1, ENVELOPE_BYTES)).toBeLessThanOrEqual(limits.maxBytes);
        expect(new Set(batch.map((x) => x.recordId)).size).toBe(batch.length);
        for (let i = 1; i < batch.length; i++) expect(batch[i]!.seq).toBeGreaterThan(batch[i - 1]!.seq);
        for (const x of batch) {
          expect(['pending', 'failed']).toContain(x.status);
          // every earlier entry of the same record is settled, or a rejected update/delete
          for (const e of list.filter((y) => y.seq < x.seq && y.recordId === x.recordId))
            expect(e.status === 'rejected' && e.action !== 'create').toBe(true);
          // a parent's unconfirmed create comes earlier in this batch
          for (const p of list.filter((y) => y.seq < x.seq && y.recordId === x.parentId && y.action === 'create'))
            expect(batch).toContain(p);
        }
        // progress: when the first entry of the outbox can go, it goes
        const first = list[0];
        if (first && (first.status === 'pending' || first.status === 'failed')) expect(batch[0]).toBe(first);
      }),
      { numRuns: 300 },
    );
  });
});
