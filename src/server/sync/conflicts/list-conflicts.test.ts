// GET /sync/conflicts on every test database: who sees which entries, filters, shape, order.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConflictEntry, ConflictEntrySchema } from '@/protocol/conflicts';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type TestServer, createTestServer } from '../../test-server';
import { createEntity, createUser, insertRecord } from '../pull/test-fixtures';
import { MAX_LISTED } from './list-conflicts';
import { insertConflict, side } from './test-conflicts';

const E = DEMO_ENTITIES;

describe.each(testDatabases())('GET /sync/conflicts on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
  });
  afterAll(async () => {
    await database.close();
  });

  async function list(token: string | undefined, query = '') {
    const res = await server.api.syncConflicts(
      new Request(`http://test/api/v1/sync/conflicts${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    );
    const body = (await res.json()) as { conflicts: ConflictEntry[]; error?: { code: string } };
    return { status: res.status, body };
  }
  const conflictIn = async (entityId: string, extra: Partial<Parameters<typeof insertConflict>[1]> = {}) => {
    const recordId = await insertRecord(database.db, { entityId });
    return insertConflict(database.db, { recordId, entityId, ...extra });
  };

  it('lists entries of the entities the caller may see, in the protocol shape', async () => {
    const winner = side({ data: { w: 1 }, version: 2, deviceId: 'dev_w' });
    const loser = side({ data: { l: 1 }, version: 1, deleted: true, deviceId: 'dev_l' });
    const north = await conflictIn(E.campNorth.id, { winner, loser, clampedFrom: '2027-01-01T00:00:00.000Z-0000-dev_l', resolution: 'client_wins' });
    const river = await conflictIn(E.riverside.id);
    const ids = async (email: string) => (await list(await server.token(email))).body.conflicts.map((c) => c.id);
    expect(await ids('ana@demo.fieldsync')).toContain(north);
    expect(await ids('ana@demo.fieldsync')).not.toContain(river);
    expect(await ids('ben@demo.fieldsync')).toContain(river);
    expect(await ids('ben@demo.fieldsync')).not.toContain(north);
    for (const email of ['cora@demo.fieldsync', 'admin@demo.fieldsync'])
      expect(await ids(email)).toEqual(expect.arrayContaining([north, river]));

    const entry = (await list(await server.token('ana@demo.fieldsync'))).body.conflicts.find((c) => c.id === north)!;
    expect(ConflictEntrySchema.strict().safeParse(entry).success).toBe(true);
    expect(entry).toMatchObject({
      entityId: E.campNorth.id,
      type: 'assessment',
      status: 'open',
      resolution: 'client_wins',
      winner,
      loser,
      clamped: { originalHlc: '2027-01-01T00:00:00.000Z-0000-dev_l' },
    });
    expect(entry.resolvedAt).toBeUndefined();
    expect(Number.isNaN(Date.parse(entry.createdAt))).toBe(false);
  });

  it('filters by status and entity, newest first', async () => {
    const entity = await createEntity(database.db);
    const other = await createEntity(database.db);
    const user = await createUser(server, 'coordinator', [entity, other]);
    const t = Date.parse('2026-11-20T10:00:00.000Z');
    const old = await conflictIn(entity, { createdAt: new Date(t) });
    const mid = await conflictIn(entity, { createdAt: new Date(t + 1000), status: 'resolved' });
    const newest = await conflictIn(entity, { createdAt: new Date(t + 2000) });
    const elsewhere = await conflictIn(other, { createdAt: new Date(t + 3000) });
    const ids = async (q: string) => (await list(user.token, q)).body.conflicts.map((c) => c.id);
    expect(await ids('')).toEqual([elsewhere, newest, mid, old]);
    expect(await ids(`?entityId=${entity}`)).toEqual([newest, mid, old]);
    expect(await ids(`?status=open&entityId=${entity}`)).toEqual([newest, old]);
    expect(await ids(`?status=resolved`)).toEqual([mid]);
    expect(await ids(`?entityId=${entity.toUpperCase()}`)).toEqual([newest, mid, old]);
  });

  it('refuses an entity the caller may not see (403) and bad parameters (400)', async () => {
    const ben = await server.token('ben@demo.fieldsync');
    const forbidden = await list(ben, `?entityId=${E.campNorth.id}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.code).toBe('FORBIDDEN');
    expect((await list(ben, `?entityId=${randomUUID()}`)).status).toBe(403);
    for (const q of ['?status=closed', '?status=', '?entityId=nope', '?status=open&status=resolved']) {
      const r = await list(ben, q);
      expect(r.status, q).toBe(400);
      expect(['BAD_REQUEST', 'VALIDATION']).toContain(r.body.error?.code);
    }
    expect((await list(undefined)).status).toBe(401);
  });

  it(`lists at most ${MAX_LISTED} entries`, async () => {
    const entity = await createEntity(database.db);
    const user = await createUser(server, 'coordinator', [entity]);
    const recordId = await insertRecord(database.db, { entityId: entity });
    await database.db.execute(
      sql`insert into sync_conflicts (record_id, entity_id, type, resolution, winner, loser)
          select ${recordId}, ${entity}, 'assessment', 'server_wins', ${JSON.stringify(side())}::jsonb, ${JSON.stringify(side())}::jsonb
          from generate_series(1, ${MAX_LISTED + 5}::int)`,
    );
    expect((await list(user.token)).body.conflicts).toHaveLength(MAX_LISTED);
  });
});
