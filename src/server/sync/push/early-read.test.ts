import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { keysCover, rawKeys } from './early-read';
import { parseBatch } from './parse-batch';
import { batchKeys } from './plan-batch';

const A = uuidv7();
const B = uuidv7();
const C = uuidv7();

describe('the ids an early read takes from an unchecked body', () => {
  it('are the UUID-shaped change ids, record ids and data references, lowercased, whatever else is wrong', () => {
    const keys = rawKeys([
      { changeId: A.toUpperCase(), recordId: B, type: 'response', data: { assessmentId: C.toUpperCase() } },
      { changeId: 'not-an-id', recordId: 42, type: 'media', data: { parentId: A } },
      { changeId: B, type: 'assessment', data: { assessmentId: C, parentId: C } },
      'not a change',
      null,
    ]);
    expect(keys).toEqual({ recordIds: [B, C, A], changeIds: [A, B] });
    expect(rawKeys('not an array')).toBeNull();
  });

  it('cover a set of keys only when they hold every one of its ids', () => {
    const read = { recordIds: [A, B], changeIds: [C] };
    expect(keysCover(read, { recordIds: [B], changeIds: [C] })).toBe(true);
    expect(keysCover(read, { recordIds: [C], changeIds: [C] })).toBe(false);
    expect(keysCover(read, { recordIds: [A], changeIds: [A] })).toBe(false);
  });

  it('cover every id the checked batch needs, for any body the checks accept', () => {
    const id = fc.oneof(
      fc.constantFrom(A, B, C),
      fc.constantFrom(A, B, C).map((x) => x.toUpperCase()),
      fc.uuid(),
      fc.constantFrom('', 'not-an-id', `${A}x`),
    );
    const changeArb = fc.record(
      {
        changeId: id,
        type: fc.constantFrom('assessment', 'response', 'media', 'other'),
        action: fc.constantFrom('create', 'update', 'delete'),
        recordId: id,
        entityId: id,
        baseVersion: fc.nat(3),
        hlc: fc.constant('2026-11-26T14:28:10.266Z-0000-dev_a'),
        data: fc.oneof(
          fc.record({ title: fc.string() }),
          id.map((assessmentId) => ({ assessmentId })),
          id.map((parentId) => ({ parentId, contentType: 'image/jpeg', size: 1, sha256: 'ab'.repeat(32), fileName: 'a.jpg' })),
        ),
      },
      { requiredKeys: ['changeId', 'type', 'action', 'recordId', 'entityId', 'hlc'] },
    );
    fc.assert(
      fc.property(fc.array(changeArb, { minLength: 1, maxLength: 20 }), (changes) => {
        const body = { deviceId: 'dev_a', changes };
        let needed;
        try {
          needed = batchKeys(parseBatch(body).items);
        } catch {
          return; // refused as a whole (400): nothing is read for it
        }
        const read = rawKeys(changes);
        expect(read).not.toBeNull();
        expect(keysCover(read!, needed)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
