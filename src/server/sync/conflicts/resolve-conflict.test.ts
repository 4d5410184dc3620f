// POST /sync/resolve on every test database: accept, restore_loser (and that the restored write
// reaches pulls), who may resolve, errors, and one winner among concurrent resolves.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHlc } from '@/core/hlc';
import { ConflictEntrySchema, type ResolveResponse } from '@/protocol/conflicts';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type TestServer, createTestServer } from '../../test-server';
import { type RecordRow } from '../record-row';
import { createEntity, createUser, follower, insertRecord, pullUntilDone, userIdOf, writeRecord } from '../pull/test-fixtures';
import { insertConflict, side } from './test-conflicts';

const E = DEMO_ENTITIES;
type Reply = ResolveResponse & { error?: { code: string } };

describe.each(testDatabases())('POST /sync/resolve on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  let cora: string;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000 });
    cora = await server.token('cora@demo.fieldsync');
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;

  async function resolve(token: string, body: unknown): Promise<{ status: number; body: Reply }> {
    const res = await server.api.syncResolve(
      new Request('http://test/api/v1/sync/resolve', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: (await res.json()) as Reply };
  }
  const record = async (id: string) =>
    (await rows<RecordRow>(db(), sql`select id, type, entity_id, version, data, deleted, hlc, updated_by, device_id from records where id = ${id}`))[0]!;

  /** A record at version 2 (the winner) and its conflict whose loser had `loserData`. */
  async function conflicted(entityId: string = E.campNorth.id, loser = side({ data: { by: 'loser' }, version: 1 })) {
    const recordId = await insertRecord(db(), { entityId, data: { by: 'first' } });
    await writeRecord(db(), recordId, { data: { by: 'winner' } });
    const cur = await record(recordId);
    const winner = side({ data: cur.data, version: 2, hlc: cur.hlc });
    const conflictId = await insertConflict(db(), { recordId, entityId, winner, loser, resolution: 'server_wins' });
    return { recordId, conflictId, winner, loser };
  }

  it('accept marks the entry resolved and leaves the record alone; a second resolve is 409', async () => {
    const { recordId, conflictId } = await conflicted();
    const before = await record(recordId);
    server.clock.advance(5000);
    const r = await resolve(cora, { conflictId, action: 'accept' });
    expect(r.status).toBe(200);
    expect(r.body.record).toBeUndefined();
    expect(ConflictEntrySchema.safeParse(r.body.conflict).success).toBe(true);
    expect(r.body.conflict).toMatchObject({
      id: conflictId,
      status: 'resolved',
      resolvedAction: 'accept',
      resolvedBy: await userIdOf(db(), 'cora@demo.fieldsync'),
      resolvedByName: 'Cora Coordinator',
      resolvedAt: new Date(server.clock.now()).toISOString(),
    });
    expect(await record(recordId)).toEqual(before);
    for (const action of ['accept', 'restore_loser']) {
      const again = await resolve(cora, { conflictId, action });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('ALREADY_RESOLVED');
    }
  });

  it('restore_loser writes the loser as a new server-stamped version, keeps the replaced one, and pulls see it', async () => {
    const ana = await server.token('ana@demo.fieldsync');
    const { recordId, conflictId, loser } = await conflicted();
    const f = follower();
    await pullUntilDone(server, ana, f);
    expect(f.records.get(recordId)).toMatchObject({ version: 2, data: { by: 'winner' } });
    // the record moved on after the conflict: the restore goes on top of version 3
    await writeRecord(db(), recordId, { data: { by: 'later' } });
    const current = await record(recordId);

    const r = await resolve(cora, { conflictId, action: 'restore_loser' });
    expect(r.status).toBe(200);
    const coraId = await userIdOf(db(), 'cora@demo.fieldsync');
    expect(r.body.record).toMatchObject({ id: recordId, version: 4, data: loser.data, deleted: false, updatedBy: coraId });
    expect(parseHlc(r.body.record!.hlc).node).toBe('server');
    expect(r.body.record!.hlc > current.hlc).toBe(true);
    expect(await record(recordId)).toMatchObject({ version: 4, data: loser.data, device_id: 'server', updated_by: coraId });
    expect(r.body.conflict).toMatchObject({ status: 'resolved', resolvedAction: 'restore_loser', loser });
    const replaced = (r.body.conflict as { replaced?: unknown }).replaced;
    expect(replaced).toEqual({
      data: { by: 'later' },
      deleted: false,
      hlc: current.hlc,
      version: 3,
      userId: current.updated_by,
      deviceId: current.device_id,
    });
    // the log keeps it: listing shows the same entry
    const listed = await server.api.syncConflicts(
      new Request(`http://test/api/v1/sync/conflicts?status=resolved`, { headers: { authorization: `Bearer ${cora}` } }),
    );
    const entries = ((await listed.json()) as { conflicts: Array<{ id: string; replaced?: unknown }> }).conflicts;
    expect(entries.find((e) => e.id === conflictId)?.replaced).toEqual(replaced);

    await pullUntilDone(server, ana, f);
    expect(f.records.get(recordId)).toMatchObject({ version: 4, data: loser.data, hlc: r.body.record!.hlc });
  });

  it('undo_restore puts the replaced version back as a new version and opens the conflict again, only while nothing came after', async () => {
    const { recordId, conflictId, loser } = await conflicted();
    const before = await record(recordId);
    const restored = await resolve(cora, { conflictId, action: 'restore_loser' });
    expect(restored.body.record).toMatchObject({ data: loser.data });

    const undone = await resolve(cora, { conflictId, action: 'undo_restore' });
    expect(undone.status).toBe(200);
    expect(undone.body.record).toMatchObject({ id: recordId, version: Number(before.version) + 2, data: before.data, deleted: false });
    expect(undone.body.record!.hlc > restored.body.record!.hlc).toBe(true);
    expect(undone.body.conflict).toMatchObject({ id: conflictId, status: 'open' });
    expect(undone.body.conflict.resolvedAction).toBeUndefined();
    expect(undone.body.conflict.replaced).toBeUndefined();
    // Open again: it can be decided anew; undoing twice is refused.
    expect((await resolve(cora, { conflictId, action: 'undo_restore' })).status).toBe(409);
    expect((await resolve(cora, { conflictId, action: 'restore_loser' })).status).toBe(200);
    await writeRecord(db(), recordId, { data: { by: 'later' } });
    const refused = await resolve(cora, { conflictId, action: 'undo_restore' });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('CONFLICT');
    expect(await record(recordId)).toMatchObject({ data: { by: 'later' } });
  });

  it('restore_loser of a lost delete makes the record a tombstone', async () => {
    const { recordId, conflictId } = await conflicted(E.campSouth.id, side({ deleted: true, data: {}, version: 1 }));
    const r = await resolve(cora, { conflictId, action: 'restore_loser' });
    expect(r.status).toBe(200);
    expect(r.body.record).toMatchObject({ version: 3, deleted: true, data: { by: 'winner' } });
    expect((await record(recordId)).deleted).toBe(true);
  });

  it('restore_loser of a response whose assessment was deleted since is 404 and changes nothing; under a live one it restores', async () => {
    const responseConflict = async () => {
      const assessmentId = await insertRecord(db(), { entityId: E.campNorth.id });
      const recordId = await insertRecord(db(), { type: 'response', entityId: E.campNorth.id, data: { assessmentId, answer: 'first' } });
      await writeRecord(db(), recordId, { data: { assessmentId, answer: 'winner' } });
      const loser = side({ data: { assessmentId, answer: 'loser' }, version: 1 });
      const conflictId = await insertConflict(db(), { recordId, entityId: E.campNorth.id, type: 'response', loser, resolution: 'server_wins' });
      return { assessmentId, recordId, conflictId };
    };
    const live = await responseConflict();
    const restored = await resolve(cora, { conflictId: live.conflictId, action: 'restore_loser' });
    expect(restored.status).toBe(200);
    expect(restored.body.record).toMatchObject({ version: 3, data: { answer: 'loser' } });

    const orphan = await responseConflict();
    await writeRecord(db(), orphan.assessmentId, { deleted: true });
    const before = await record(orphan.recordId);
    const r = await resolve(cora, { conflictId: orphan.conflictId, action: 'restore_loser' });
    expect(r.status).toBe(404);
    expect(r.body.error?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(r.body)).toMatch(/the assessment is deleted/);
    expect(await record(orphan.recordId)).toEqual(before);
    const [row] = await rows<{ status: string }>(db(), sql`select status from sync_conflicts where id = ${orphan.conflictId}`);
    expect(row!.status).toBe('open');
  });

  it('runs a restore again after a serialization failure or deadlock, and writes it once', async () => {
    // A trigger fails the restore's record update with a serialization failure on its first two
    // tries (a sequence counts them: it survives a rollback); the third goes through.
    await db().execute(sql`create sequence resolve_test_boom_seq`);
    await db().execute(sql`
      create function resolve_test_boom() returns trigger language plpgsql as $$
      begin
        if new.data->>'boom' = 'twice' and nextval('resolve_test_boom_seq') <= 2 then
          raise exception 'injected serialization failure' using errcode = 'serialization_failure';
        end if;
        return new;
      end $$`);
    await db().execute(sql`create trigger resolve_test_boom before update on records for each row execute function resolve_test_boom()`);
    try {
      const { recordId, conflictId } = await conflicted(E.campNorth.id, side({ data: { boom: 'twice' }, version: 1 }));
      const r = await resolve(cora, { conflictId, action: 'restore_loser' });
      expect(r.status).toBe(200);
      expect(await record(recordId)).toMatchObject({ version: 3, data: { boom: 'twice' } });
      const [tries] = await rows<{ n: number }>(db(), sql`select last_value::int as n from resolve_test_boom_seq`);
      expect(tries!.n).toBe(3);
    } finally {
      await db().execute(sql`drop trigger resolve_test_boom on records`);
      await db().execute(sql`drop function resolve_test_boom()`);
      await db().execute(sql`drop sequence resolve_test_boom_seq`);
    }
  });

  it('lets only a coordinator of the entity, or an admin, resolve', async () => {
    const { conflictId } = await conflicted(E.campNorth.id);
    for (const email of ['ana@demo.fieldsync', 'ben@demo.fieldsync']) {
      const r = await resolve(await server.token(email), { conflictId, action: 'accept' });
      expect(r.status, email).toBe(403);
      expect(r.body.error?.code).toBe('FORBIDDEN');
    }
    const southOnly = await createUser(server, 'coordinator', [E.campSouth.id]);
    expect((await resolve(southOnly.token, { conflictId, action: 'accept' })).status).toBe(403);
    const other = await conflicted(await createEntity(db()));
    expect((await resolve(await server.token('admin@demo.fieldsync'), { conflictId: other.conflictId, action: 'restore_loser' })).status).toBe(200);
    expect((await resolve(cora, { conflictId, action: 'accept' })).status).toBe(200);
  });

  it('answers an unknown or malformed id with 404 and a bad body with 400, changing nothing', async () => {
    for (const conflictId of [randomUUID(), 'not-a-uuid']) {
      const r = await resolve(cora, { conflictId, action: 'accept' });
      expect(r.status).toBe(404);
      expect(r.body.error?.code).toBe('NOT_FOUND');
    }
    const { conflictId } = await conflicted();
    for (const body of [{ conflictId, action: 'reject' }, { conflictId }, { conflictId, action: 'accept', extra: 1 }, 'not json', '[]']) {
      const r = await resolve(cora, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(['VALIDATION', 'BAD_REQUEST']).toContain(r.body.error?.code);
    }
    const [row] = await rows<{ status: string }>(db(), sql`select status from sync_conflicts where id = ${conflictId}`);
    expect(row!.status).toBe('open');
  });

  it('lets exactly one of two concurrent resolves of a conflict succeed', async () => {
    const admin = await server.token('admin@demo.fieldsync');
    for (let i = 0; i < 8; i++) {
      const { recordId, conflictId } = await conflicted(E.riverside.id);
      const results = await Promise.all([
        resolve(cora, { conflictId, action: 'restore_loser' }),
        resolve(admin, { conflictId, action: i % 2 === 0 ? 'restore_loser' : 'accept' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const expectVersion = winner.body.conflict.resolvedAction === 'restore_loser' ? 3 : 2;
      expect((await record(recordId)).version).toBe(expectVersion); // written at most once
    }
  });
});
