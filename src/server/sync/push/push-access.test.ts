import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, newId, NORTH, type PushKit, RIVER, SHA, SOUTH, storedRecord, withPushKit } from './push-test-kit';

describe.each(testDatabases())('push access rules on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  const codes = (res: { failed: Array<{ code?: string | undefined }> }) => res.failed.map((f) => f.code);

  it('refuses a change to an entity not assigned to the caller, and stores nothing', async () => {
    const c = change({ entityId: RIVER });
    const res = await kit.push('ana', [c]);
    expect(res.failed).toMatchObject([{ changeId: c.changeId, status: 'failed', code: 'FORBIDDEN' }]);
    expect(await storedRecord(database, c.recordId)).toBeUndefined();
    // Ben may write there; an admin may write anywhere.
    expect((await kit.push('ben', [change({ entityId: RIVER })])).successful).toHaveLength(1);
    expect((await kit.push('admin', [change({ entityId: RIVER })])).successful).toHaveLength(1);
  });

  it("refuses any write to a record of another user's entity, even claiming an assigned one", async () => {
    const theirs = change({ entityId: RIVER });
    await kit.push('ben', [theirs]);
    const res = await kit.push('ana', [
      change({ recordId: theirs.recordId, action: 'update', baseVersion: 1, entityId: NORTH, hlc: kit.stamp(10) }),
      change({ recordId: theirs.recordId, action: 'delete', baseVersion: 1, entityId: NORTH, data: undefined }),
      change({ recordId: theirs.recordId, entityId: NORTH }),
    ]);
    expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(await storedRecord(database, theirs.recordId)).toMatchObject({ version: 1, entity_id: RIVER });
  });

  it('refuses to move a record to another entity', async () => {
    const c = change({ entityId: NORTH });
    await kit.push('ana', [c]);
    const res = await kit.push('ana', [change({ recordId: c.recordId, action: 'update', baseVersion: 1, entityId: SOUTH, hlc: kit.stamp(10) })]);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 1, entity_id: NORTH });
  });

  it("refuses a change whose type is not the stored record's type", async () => {
    const c = change();
    await kit.push('ana', [c]);
    const res = await kit.push('ana', [change({ recordId: c.recordId, type: 'response', action: 'update', baseVersion: 1, data: { assessmentId: c.recordId } })]);
    expect(codes(res)).toEqual(['VALIDATION']);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ type: 'assessment', version: 1 });
  });

  it('a response must name an existing, live assessment of the same entity', async () => {
    const north = change({ entityId: NORTH });
    const south = change({ entityId: SOUTH });
    const river = change({ entityId: RIVER });
    const gone = change({ entityId: NORTH });
    await kit.push('ana', [north, south, gone]);
    await kit.push('ben', [river]);
    await kit.push('ana', [change({ recordId: gone.recordId, action: 'delete', baseVersion: 1, data: undefined, hlc: kit.stamp(5) })]);
    const response = (assessmentId: string, entityId = NORTH) => change({ type: 'response', entityId, data: { assessmentId, answer: 'yes' } });
    const ok = response(north.recordId);
    const res = await kit.push('ana', [
      ok,
      response(south.recordId),
      response(river.recordId),
      response(newId()),
      response(gone.recordId),
      change({ type: 'response', data: { answer: 'no assessment' } }),
      response(ok.recordId),
      response('-'.repeat(36)),
    ]);
    expect(res.successful.map((r) => r.changeId)).toEqual([ok.changeId]);
    expect(codes(res)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'NOT_FOUND', 'VALIDATION', 'NOT_FOUND', 'VALIDATION']);
    const stored = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from records where type = 'response'`);
    expect(stored[0]?.n).toBe(1);
  });

  it('an assessment created earlier in the same batch counts for a response', async () => {
    const a = change();
    const r = change({ type: 'response', data: { assessmentId: a.recordId } });
    const deletedInBatch = change();
    const res = await kit.push('ana', [
      a,
      r,
      deletedInBatch,
      change({ recordId: deletedInBatch.recordId, action: 'delete', baseVersion: 1, hlc: kit.stamp(1), data: undefined }),
      change({ type: 'response', data: { assessmentId: deletedInBatch.recordId } }),
    ]);
    expect(res.successful.map((x) => x.changeId)).toEqual([a.changeId, r.changeId, deletedInBatch.changeId, expect.any(String)]);
    expect(codes(res)).toEqual(['NOT_FOUND']);
  });

  it('media data must match the schema and its parent must exist in the same entity', async () => {
    const parent = change();
    const other = change({ entityId: SOUTH });
    await kit.push('ana', [parent, other]);
    const media = (data: Record<string, unknown>) => change({ type: 'media', data });
    const good = { parentId: parent.recordId, contentType: 'image/jpeg', size: 1234, sha256: SHA, fileName: 'well.jpg' };
    const res = await kit.push('ana', [
      media(good),
      media({ ...good, sha256: 'nope' }),
      media({ ...good, size: -1 }),
      media({ ...good, parentId: newId() }),
      media({ ...good, parentId: other.recordId }),
    ]);
    expect(res.successful).toHaveLength(1);
    expect(codes(res)).toEqual(['VALIDATION', 'VALIDATION', 'NOT_FOUND', 'FORBIDDEN']);
  });

  it('only the server sets version, stamp (after clamp), updated_by and device_id', async () => {
    const c = change({ hlc: kit.stamp(-1_000, 0, 'dev_x') });
    await kit.push('ana', [c], 'dev_ana_phone');
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 1, hlc: c.hlc, updated_by: await kit.userId('ana'), device_id: 'dev_ana_phone' });
    for (const extra of [{ version: 7 }, { updatedBy: await kit.userId('cora') }, { deviceId: 'dev_other' }, { deleted: true }]) {
      const forged = change(extra);
      const res = await kit.push('ana', [forged]);
      expect(res.failed).toMatchObject([{ changeId: forged.changeId, code: 'VALIDATION' }]);
      expect(await storedRecord(database, forged.recordId)).toBeUndefined();
    }
  });
});
