import { describe, expect, it } from 'vitest';
import type { RecordState } from '@/core/apply-change';
import type { ChangeInput } from '@/protocol/push';
import { GuessTooShort, guessStart, planOnGuess } from './guess-start';
import { parseBatch } from './parse-batch';
import { NORTH, SOUTH, change, newId } from './push-test-kit';

const items = (changes: ChangeInput[]) => parseBatch({ deviceId: 'dev_g', changes }).items;
const meta = { userId: newId(), deviceId: 'dev_g', now: Date.now() };

describe('the start guess of a batch', () => {
  it('guesses a created record absent and an updated one at its base version, in its entity, as its type, not deleted', () => {
    const created = change();
    const updated = change({ action: 'update', baseVersion: 4, entityId: SOUTH, data: { n: 1 } });
    const g = guessStart(items([created, updated]));
    expect(g.expectations).toEqual([
      { id: created.recordId, exists: false },
      { id: updated.recordId, exists: true, version: 4, type: 'assessment', entityId: SOUTH, deleted: false },
    ]);
    expect(g.entityIds).toEqual([NORTH, SOUTH]);
    expect(g.records.has(created.recordId)).toBe(false);
    expect(g.records.get(updated.recordId)?.version).toBe(4);
  });

  it('guesses a referenced assessment present in the same entity without guessing its version', () => {
    const assessmentId = newId();
    const response = change({ type: 'response', data: { assessmentId: assessmentId.toUpperCase() } });
    const g = guessStart(items([response]));
    expect(g.expectations[0]).toEqual({ id: assessmentId, exists: true, type: 'assessment', entityId: NORTH, deleted: false });
    const guessed = g.records.get(assessmentId)!;
    expect(guessed.entityId).toBe(NORTH);
    expect(() => guessed.version).toThrow(GuessTooShort);
  });

  it('keeps the first guess of a record: a later change in the batch is decided from what the batch did to it', () => {
    const created = change();
    const updated = change({ recordId: created.recordId, action: 'update', baseVersion: 1, data: { n: 2 } });
    const g = guessStart(items([created, updated]));
    expect(g.expectations).toEqual([{ id: created.recordId, exists: false }]);
    const decided = planOnGuess({ ...meta, items: items([created, updated]) });
    expect(decided?.plan.results.map((r) => [r.status, r.version])).toEqual([
      ['success', 1],
      ['success', 2],
    ]);
  });

  it('a guessed record has no data, stamp or author: reading them throws', () => {
    const g = guessStart(items([change({ action: 'update', baseVersion: 2, data: { n: 1 } })]));
    const [record] = [...g.records.values()];
    for (const read of [() => record!.data, () => record!.hlc, () => record!.updatedBy, () => record!.deviceId]) expect(read).toThrow(GuessTooShort);
  });

  it('decides a batch that needs only what was guessed, and gives up on one that needs more (a delete keeps the stored data)', () => {
    const plain = planOnGuess({ ...meta, items: items([change(), change({ action: 'update', baseVersion: 3, data: { n: 1 } })]) });
    expect(plain?.plan.results.map((r) => [r.status, r.version])).toEqual([
      ['success', 1],
      ['success', 4],
    ]);
    expect(plain?.plan.writes.map((w) => w.previousVersion)).toEqual([null, 3]);
    expect(planOnGuess({ ...meta, items: items([change({ action: 'delete', baseVersion: 1, data: undefined })]) })).toBeNull();
  });

  it('makes no guess about changes that failed validation, and decides them as the long way does', () => {
    const bad = { ...change(), hlc: 'yesterday' };
    const decided = planOnGuess({ ...meta, items: items([bad]) });
    expect(guessStart(items([bad])).expectations).toEqual([]);
    expect(decided?.plan.results[0]).toMatchObject({ status: 'failed', code: 'VALIDATION' });
  });

  it('guesses a record known whole (stored or read lately) as it was, so a conflict with it is decided on the guess', () => {
    const id = newId();
    const stored: RecordState = { type: 'assessment', entityId: NORTH, version: 3, data: { title: 'stored' }, deleted: false, hlc: '2026-11-26T10:00:00.000Z-0000-dev_b', updatedBy: newId(), deviceId: 'dev_b' };
    const known = new Map([[id, stored]]);
    const stale = change({ recordId: id, action: 'update', baseVersion: 2, data: { title: 'mine' }, hlc: '2026-11-26T09:00:00.000Z-0000-dev_g' });
    const g = guessStart(items([stale]), known);
    expect(g.expectations).toEqual([{ id, exists: true, version: 3, type: 'assessment', entityId: NORTH, deleted: false }]);
    const decided = planOnGuess({ ...meta, items: items([stale]) }, known);
    expect(decided?.plan.results.map((r) => [r.status, r.resolution, r.version])).toEqual([['conflict', 'server_wins', 3]]);
    expect(decided?.plan.conflicts.map((c) => [c.winner.data, c.loser.data])).toEqual([[{ title: 'stored' }, { title: 'mine' }]]);
    // Without it, the batch alone guesses the record at the change's base, which the stored version 3 would refute.
    expect(guessStart(items([stale])).expectations[0]).toMatchObject({ version: 2 });
  });

  it('does not trust a known record older than the version a change was based on', () => {
    const id = newId();
    const old: RecordState = { type: 'assessment', entityId: NORTH, version: 1, data: {}, deleted: false, hlc: '2026-11-26T10:00:00.000Z-0000-dev_b', updatedBy: newId(), deviceId: 'dev_b' };
    const g = guessStart(items([change({ recordId: id, action: 'update', baseVersion: 2, data: { n: 1 } })]), new Map([[id, old]]));
    expect(g.expectations).toEqual([{ id, exists: true, version: 2, type: 'assessment', entityId: NORTH, deleted: false }]);
    expect(() => g.records.get(id)!.hlc).toThrow(GuessTooShort);
  });
});
