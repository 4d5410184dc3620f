import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, NORTH, type PushKit, storedRecord, withPushKit } from './push-test-kit';

interface ConflictRow {
  change_id: string;
  record_id: string;
  entity_id: string;
  type: string;
  resolution: string;
  winner: Record<string, unknown>;
  loser: Record<string, unknown>;
  clamped_from: string | null;
  status: string;
}

describe.each(testDatabases())('push conflicts, last write wins, on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  let ana: string;
  let cora: string;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));
  beforeAll(async () => {
    ana = await kit.userId('ana');
    cora = await kit.userId('cora');
  });

  const conflictsOf = (recordId: string) =>
    rows<ConflictRow>(
      database.db,
      sql`select change_id, record_id, entity_id, type, resolution, winner, loser, clamped_from, status
          from sync_conflicts where record_id = ${recordId} order by created_at, id`,
    );

  /** A record at version 2, last written by cora from dev_cora at stamp `at`. */
  async function seeded(at: string) {
    const c = change({ hlc: kit.stamp(-100_000, 0, 'dev_cora'), data: { v: 1 } });
    await kit.push('cora', [c], 'dev_cora');
    await kit.push('cora', [change({ recordId: c.recordId, action: 'update', baseVersion: 1, hlc: at, data: { v: 2 } })], 'dev_cora');
    return c.recordId;
  }

  it('applies a change based on the stored version as the next version, stamped as sent', async () => {
    const recordId = await seeded(kit.stamp(-50_000, 0, 'dev_cora'));
    const hlc = kit.stamp(-10_000, 0, 'dev_ana');
    const res = await kit.push('ana', [change({ recordId, action: 'update', baseVersion: 2, hlc, data: { v: 3 } })], 'dev_ana');
    expect(res.successful).toMatchObject([{ status: 'success', version: 3 }]);
    expect(await storedRecord(database, recordId)).toMatchObject({ version: 3, data: { v: 3 }, hlc, updated_by: ana, device_id: 'dev_ana' });
    expect(await conflictsOf(recordId)).toEqual([]);
  });

  it('client_wins: a later stamp on a stale base is applied as a new version, the server side logged in full', async () => {
    const serverHlc = kit.stamp(-50_000, 0, 'dev_cora');
    const recordId = await seeded(serverHlc);
    const c = change({ recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(-10_000, 0, 'dev_ana'), data: { v: 'ana' } });
    const res = await kit.push('ana', [c], 'dev_ana');
    expect(res.conflicts).toEqual([
      { changeId: c.changeId, recordId, offlineId: recordId, serverId: recordId, status: 'conflict', version: 3, resolution: 'client_wins' },
    ]);
    expect(await storedRecord(database, recordId)).toMatchObject({ version: 3, data: { v: 'ana' }, hlc: c.hlc, updated_by: ana });
    expect(await conflictsOf(recordId)).toEqual([
      {
        change_id: c.changeId,
        record_id: recordId,
        entity_id: NORTH,
        type: 'assessment',
        resolution: 'client_wins',
        winner: { data: { v: 'ana' }, deleted: false, hlc: c.hlc, version: 3, userId: ana, deviceId: 'dev_ana' },
        loser: { data: { v: 2 }, deleted: false, hlc: serverHlc, version: 2, userId: cora, deviceId: 'dev_cora' },
        clamped_from: null,
        status: 'open',
      },
    ]);
  });

  it('decides against the stored record when it changed elsewhere since this server last stored or read it', async () => {
    const recordId = await seeded(kit.stamp(-50_000, 0, 'dev_cora'));
    // Another server process writes version 3: this one still knows version 2 (recent-records.ts).
    const elsewhere = kit.stamp(-20_000, 0, 'dev_other');
    await database.db.execute(
      sql`update records set version = 3, data = '{"v":"elsewhere"}'::jsonb, hlc = ${elsewhere}, device_id = 'dev_other' where id = ${recordId}`,
    );
    const c = change({ recordId, action: 'update', baseVersion: 2, hlc: kit.stamp(-30_000, 0, 'dev_ana'), data: { v: 'ana' } });
    const res = await kit.push('ana', [c], 'dev_ana');
    expect(res.conflicts).toMatchObject([{ status: 'conflict', resolution: 'server_wins', version: 3, record: { version: 3, data: { v: 'elsewhere' }, hlc: elsewhere } }]);
    expect(await storedRecord(database, recordId)).toMatchObject({ version: 3, data: { v: 'elsewhere' } });
    expect((await conflictsOf(recordId)).map((r) => [r.winner.version, r.winner.data, r.loser.data])).toEqual([[3, { v: 'elsewhere' }, { v: 'ana' }]]);
  });

  it('server_wins: an earlier stamp is not applied; the result carries the server record, the loser is logged', async () => {
    const serverHlc = kit.stamp(-5_000, 0, 'dev_cora');
    const recordId = await seeded(serverHlc);
    const before = await storedRecord(database, recordId);
    const c = change({ recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(-20_000, 0, 'dev_ana'), data: { v: 'ana' } });
    const res = await kit.push('ana', [c], 'dev_ana');
    expect(res.conflicts).toEqual([
      {
        changeId: c.changeId,
        recordId,
        offlineId: recordId,
        serverId: recordId,
        status: 'conflict',
        version: 2,
        resolution: 'server_wins',
        record: { type: 'assessment', id: recordId, entityId: NORTH, version: 2, data: { v: 2 }, deleted: false, hlc: serverHlc, updatedBy: cora },
      },
    ]);
    expect(await storedRecord(database, recordId)).toEqual(before);
    expect(await conflictsOf(recordId)).toMatchObject([
      {
        change_id: c.changeId,
        resolution: 'server_wins',
        winner: { data: { v: 2 }, hlc: serverHlc, version: 2, userId: cora, deviceId: 'dev_cora' },
        loser: { data: { v: 'ana' }, deleted: false, hlc: c.hlc, version: 1, userId: ana, deviceId: 'dev_ana' },
      },
    ]);
  });

  it('equal stamps keep the stored write; a tie in time goes to the larger node id', async () => {
    const t = kit.stamp(-5_000, 3, 'dev_m');
    const recordId = await seeded(t);
    const same = await kit.push('ana', [change({ recordId, action: 'update', baseVersion: 1, hlc: t, data: { x: 1 } })]);
    expect(same.conflicts).toMatchObject([{ resolution: 'server_wins' }]);
    const lower = await kit.push('ana', [change({ recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(-5_000, 3, 'dev_a'), data: { x: 2 } })]);
    expect(lower.conflicts).toMatchObject([{ resolution: 'server_wins' }]);
    const higher = await kit.push('ana', [change({ recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(-5_000, 3, 'dev_z'), data: { x: 3 } })]);
    expect(higher.conflicts).toMatchObject([{ resolution: 'client_wins', version: 3 }]);
  });

  it('clamps a stamp more than 5 minutes ahead: the clamped stamp is compared and stored, the original kept', async () => {
    const recordId = await seeded(kit.stamp(1_000, 0, 'dev_cora'));
    const far = kit.stamp(60 * 60_000, 9, 'dev_fast');
    const c = change({ recordId, action: 'update', baseVersion: 1, hlc: far, data: { v: 'fast' } });
    const res = await kit.push('ana', [c], 'dev_fast');
    // Unclamped it would win; at the server's time (now) it is older than the stored stamp.
    const clamped = kit.stamp(0, 9, 'dev_fast');
    expect(res.conflicts).toMatchObject([{ resolution: 'server_wins' }]);
    const [log] = await conflictsOf(recordId);
    expect(log).toMatchObject({ clamped_from: far, loser: { hlc: clamped } });
    const [entry] = await rows<{ original_hlc: string }>(database.db, sql`select original_hlc from sync_changes where change_id = ${c.changeId}`);
    expect(entry?.original_hlc).toBe(far);

    // A clamped write that wins is stored with the clamped stamp.
    const fresh = change({ hlc: kit.stamp(30 * 60_000, 1, 'dev_fast') });
    await kit.push('ana', [fresh], 'dev_fast');
    expect((await storedRecord(database, fresh.recordId))?.hlc).toBe(kit.stamp(0, 1, 'dev_fast'));
  });

  it('a create of a record that exists is an update based on version 0, so a conflict', async () => {
    const recordId = await seeded(kit.stamp(-50_000, 0, 'dev_cora'));
    const res = await kit.push('ana', [change({ recordId, hlc: kit.stamp(-1_000, 0, 'dev_ana'), data: { again: true } })]);
    expect(res.conflicts).toMatchObject([{ resolution: 'client_wins', version: 3 }]);
    const [log] = await conflictsOf(recordId);
    expect(log?.winner).toMatchObject({ version: 3, data: { again: true } });
    expect(log?.loser).toMatchObject({ version: 2, data: { v: 2 } });
    const older = await kit.push('ana', [change({ recordId, hlc: kit.stamp(-90_000, 0, 'dev_ana') })]);
    expect(older.conflicts).toMatchObject([{ resolution: 'server_wins', version: 3 }]);
    expect((await conflictsOf(recordId))[1]?.loser).toMatchObject({ version: 0 });
  });

  it('refuses an update or delete of a record the server never had', async () => {
    const res = await kit.push('ana', [change({ action: 'update', baseVersion: 1 }), change({ action: 'delete', baseVersion: 1, data: undefined })]);
    expect(res.failed.map((r) => [r.code, r.version])).toEqual([
      ['NOT_FOUND', undefined],
      ['NOT_FOUND', undefined],
    ]);
  });

  it('a delete leaves a tombstone with the last data; an update based on it brings the record back', async () => {
    const c = change({ data: { keep: 'me' } });
    await kit.push('ana', [c]);
    const del = await kit.push('ana', [{ ...change({ recordId: c.recordId, action: 'delete', baseVersion: 1, hlc: kit.stamp(1) }), data: undefined }]);
    expect(del.successful).toMatchObject([{ version: 2 }]);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 2, deleted: true, data: { keep: 'me' } });
    const back = await kit.push('ana', [change({ recordId: c.recordId, action: 'update', baseVersion: 2, hlc: kit.stamp(2), data: { back: 1 } })]);
    expect(back.successful).toMatchObject([{ version: 3 }]);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 3, deleted: false, data: { back: 1 } });
  });

  it('a losing delete is logged as a delete; a winning one leaves a tombstone', async () => {
    const recordId = await seeded(kit.stamp(-50_000, 0, 'dev_cora'));
    const lost = await kit.push('ana', [change({ recordId, action: 'delete', baseVersion: 1, hlc: kit.stamp(-60_000), data: undefined })]);
    expect(lost.conflicts).toMatchObject([{ resolution: 'server_wins' }]);
    expect((await conflictsOf(recordId))[0]?.loser).toMatchObject({ deleted: true, version: 1 });
    const won = await kit.push('ana', [change({ recordId, action: 'delete', baseVersion: 1, hlc: kit.stamp(-1_000), data: undefined })]);
    expect(won.conflicts).toMatchObject([{ resolution: 'client_wins', version: 3 }]);
    expect(await storedRecord(database, recordId)).toMatchObject({ deleted: true, version: 3, data: { v: 2 } });
  });

  it('applies several changes to one record in array order within a batch', async () => {
    const c = change({ hlc: kit.stamp(1) });
    const res = await kit.push('ana', [
      c,
      change({ recordId: c.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(2), data: { n: 2 } }),
      change({ recordId: c.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(3), data: { n: 3 } }),
      change({ recordId: c.recordId, action: 'delete', baseVersion: 3, hlc: kit.stamp(4), data: undefined }),
    ]);
    expect(res.successful.map((r) => r.version)).toEqual([1, 2, 4]);
    expect(res.conflicts).toMatchObject([{ resolution: 'client_wins', version: 3 }]);
    expect(await storedRecord(database, c.recordId)).toMatchObject({ version: 4, deleted: true, data: { n: 3 } });
    expect(await conflictsOf(c.recordId)).toMatchObject([{ winner: { version: 3, data: { n: 3 } }, loser: { version: 2, data: { n: 2 } } }]);
  });
});
