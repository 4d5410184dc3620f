import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { testDatabases } from '../../db/test-databases';
import { GuessHints } from './guess-hints';
import { keysCover, rawKeys, startEarlyRead } from './early-read';
import { parseBatch } from './parse-batch';
import { batchKeys } from './plan-batch';
import { type PushKit, change, withPushKit } from './push-test-kit';

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

describe.each(testDatabases())('an early read on $name', (factory) => {
  let kit: PushKit;
  withPushKit(factory, (_, k) => (kit = k));

  it('is sent only for a device read first, with a changes array within the batch limit, and reads the caller and the records named', async () => {
    const db = kit.server.ctx.database.db;
    const ana = await kit.userId('ana');
    const hints = new GuessHints();
    const c = change();
    await kit.push('ana', [c], 'dev_early');
    const body = (changes: unknown) => ({ deviceId: 'dev_early', changes });
    expect(startEarlyRead(db, hints, ana, body([c]))).toBeNull(); // guessed
    hints.record(ana, 'dev_early', false);
    expect(startEarlyRead(db, hints, ana, body(Array.from({ length: 101 }, () => change())))).toBeNull();
    expect(startEarlyRead(db, hints, ana, body('not an array'))).toBeNull();
    expect(startEarlyRead(db, hints, ana, 'not an object')).toBeNull();
    const early = startEarlyRead(db, hints, ana, body([c]));
    expect(early).not.toBeNull();
    await early!.sent;
    const { caller, loaded } = await early!.result;
    expect(caller.id).toBe(ana);
    expect([...loaded.records.keys()]).toEqual([c.recordId]);
    expect([...loaded.seen.keys()]).toEqual([c.changeId]);
  });
});
