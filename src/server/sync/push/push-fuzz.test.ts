import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '@/protocol/push';
import { testDatabases } from '../../db/test-databases';
import { change, newId, NORTH, type PushKit, RIVER, SHA, withPushKit } from './push-test-kit';

// Whatever a device sends, a push answers 200 with one result per change, or a 4xx with the
// protocol's error body; never a 5xx. Changes are drawn field by field from valid values, values
// at the edges (huge versions, impossible dates, odd ids) and any JSON at all.

const anyJson = fc.jsonValue({ maxDepth: 2 });
const edgeString = fc.constantFrom('', ' ', '\u0000', '\ud800', 'x'.repeat(300), "'; drop table records; --", 'NaN');
const field = <T,>(valid: fc.Arbitrary<T>, ...edges: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 30, arbitrary: valid as fc.Arbitrary<unknown> }, ...edges.map((arbitrary) => ({ weight: 1, arbitrary })), { weight: 1, arbitrary: anyJson });

const changeArb = (recordIds: string[]) =>
  fc
    .record(
      {
        changeId: field(fc.uuid(), edgeString, fc.constant(newId().toUpperCase())),
        type: field(fc.constantFrom('assessment', 'response', 'media'), edgeString),
        action: field(fc.constantFrom('create', 'update', 'delete'), edgeString),
        recordId: field(fc.constantFrom(...recordIds), fc.uuid(), edgeString),
        entityId: field(fc.constantFrom(NORTH, RIVER), fc.uuid(), edgeString),
        baseVersion: field(fc.integer({ min: 0, max: 3 }), fc.constantFrom(3e9, Number.MAX_SAFE_INTEGER, -1, 1.5, 1e300)),
        hlc: field(fc.constant(change().hlc), fc.constantFrom('2026-13-45T00:00:00.000Z-0000-dev', '2026-02-30T00:00:00.000Z-0000-dev', '9999-12-31T23:59:59.999Z-ffff-dev'), edgeString),
        data: field(
          fc.oneof(
            fc.constant({ title: 'well' }),
            fc.constantFrom(...recordIds).map((assessmentId) => ({ assessmentId })),
            fc.constantFrom(...recordIds).map((parentId) => ({ parentId, contentType: 'image/jpeg', size: 1, sha256: SHA, fileName: 'a.jpg' })),
          ),
          fc.constant({ n: 1e308 }),
          fc.constant({ assessmentId: 'not-an-id' }),
        ),
        extra: fc.constant('unknown field'),
      },
      { requiredKeys: ['changeId', 'type', 'action', 'recordId', 'entityId', 'hlc', 'baseVersion', 'data'] },
    )
    // Now and then a field missing, or one the protocol does not know.
    .chain((c) =>
      fc.nat({ max: 9 }).map((n) => {
        const out: Record<string, unknown> = { ...c };
        if (n === 0) delete out.baseVersion;
        if (n === 1) delete out.data;
        if (n > 2) delete out.extra;
        return out;
      }),
    );

describe.each(testDatabases())('push with anything in its changes on $name', (factory) => {
  let kit: PushKit;
  const [a, b, c, d] = [newId(), newId(), newId(), newId()];
  const recordIds = [a, b, c, d];
  withPushKit(factory, (_database, k) => (kit = k));
  beforeAll(async () => {
    await kit.push('ana', [change({ recordId: a }), change({ recordId: b, entityId: NORTH })]);
  });

  it('answers 200 with one result per change, or a 4xx error body; never a 5xx', async () => {
    const seen = { ok: 0, refused: 0, applied: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(changeArb(recordIds), { minLength: 1, maxLength: 6 }), fc.boolean(), async (changes, sameDevice) => {
        const res = await kit.post('ana', { deviceId: sameDevice ? 'dev_fuzz' : `dev_${newId().slice(0, 8)}`, changes });
        if (res.status === 200) {
          const body = res.body as PushResponse;
          seen.ok++;
          seen.applied += body.successful.length + body.conflicts.length;
          expect(body.successful.length + body.conflicts.length + body.failed.length).toBe(changes.length);
        } else {
          seen.refused++;
          expect([res.status, (res.body as { error?: { code?: unknown } }).error?.code !== undefined]).toEqual([expect.any(Number), true]);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }
      }),
      { numRuns: 200 },
    );
    // Mostly whole batches answered, and changes among them applied: the property is not vacuous.
    expect(seen.ok).toBeGreaterThan(150);
    expect(seen.applied).toBeGreaterThan(10);
  });
});
