// GET /sync/status on every test database: clock, caller, open conflicts of the caller's
// entities, last push and pull.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatusResponseSchema, type SyncStatusResponse } from '@/protocol/status';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { type TestServer, createTestServer } from '../../test-server';
import { insertConflict, side } from '../conflicts/test-conflicts';
import { createEntity, createUser, insertRecord, pullPage } from '../pull/test-fixtures';

describe.each(testDatabases())('GET /sync/status on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
  });
  afterAll(async () => {
    await database.close();
  });

  async function status(token?: string) {
    const res = await server.api.syncStatus(
      new Request('http://test/api/v1/sync/status', { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    );
    return { status: res.status, body: (await res.json()) as SyncStatusResponse & { error?: { code: string } } };
  }

  it('reports the clock, the caller, open conflicts of their entities, and their last pull and push', async () => {
    const mine = await createEntity(database.db);
    const notMine = await createEntity(database.db);
    const user = await createUser(server, 'coordinator', [mine]);
    const first = await status(user.token);
    expect(first.status).toBe(200);
    expect(SyncStatusResponseSchema.strict().safeParse(first.body).success).toBe(true);
    expect(first.body).toMatchObject({ serverTime: new Date(server.clock.now()).toISOString(), openConflicts: 0 });
    expect(first.body.user).toMatchObject({ id: user.id, role: 'coordinator' });
    expect(first.body.lastPull).toBeUndefined();
    expect(first.body.lastPush).toBeUndefined();
    if (factory.name === 'pglite') expect(first.body.feedLagSeconds).toBe(0);
    else expect(first.body.feedLagSeconds).toBeGreaterThanOrEqual(0);

    const rec = await insertRecord(database.db, { entityId: mine });
    await insertConflict(database.db, { recordId: rec, entityId: mine });
    await insertConflict(database.db, { recordId: rec, entityId: mine });
    await insertConflict(database.db, { recordId: rec, entityId: mine, status: 'resolved' });
    const other = await insertRecord(database.db, { entityId: notMine });
    await insertConflict(database.db, { recordId: other, entityId: notMine });

    server.clock.advance(60_000);
    await pullPage(server, user.token);
    const pulledAt = new Date(server.clock.now()).toISOString();
    // The newest of the caller's logged changes; another user's later one does not count.
    const pushedAt = '2026-11-26T09:30:00.000Z';
    const someoneElse = await createUser(server, 'field_worker', [notMine]);
    for (const [userId, at] of [[user.id, '2026-11-26T09:00:00.000Z'], [user.id, pushedAt], [someoneElse.id, '2026-11-26T10:00:00.000Z']] as const)
      await database.db.execute(
        sql`insert into sync_changes (change_id, user_id, device_id, created_at) values (gen_random_uuid(), ${userId}::uuid, 'dev_a', ${at}::timestamptz)`,
      );
    server.clock.advance(1_000);
    const later = await status(user.token);
    expect(later.body).toMatchObject({ openConflicts: 2, lastPull: pulledAt, lastPush: pushedAt });
    expect(later.body.serverHlc >= first.body.serverHlc).toBe(true);
    expect(later.body.serverTime).toBe(new Date(server.clock.now()).toISOString());
  });

  it('lists the records whose applied write by the caller another user replaced, while the conflict is open', async () => {
    const site = await createEntity(database.db);
    const ana = await createUser(server, 'field_worker', [site]);
    const ben = await createUser(server, 'field_worker', [site]);
    const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map(() => insertRecord(database.db, { entityId: site })));
    await insertConflict(database.db, { recordId: a!, entityId: site, resolution: 'client_wins', winner: side({ userId: ben.id }), loser: side({ userId: ana.id }) });
    await insertConflict(database.db, { recordId: a!, entityId: site, resolution: 'client_wins', winner: side({ userId: ben.id }), loser: side({ userId: ana.id }) });
    // Not overwritten by someone else: her own change lost (server_wins), her own later write, a resolved one.
    await insertConflict(database.db, { recordId: b!, entityId: site, resolution: 'server_wins', winner: side({ userId: ben.id }), loser: side({ userId: ana.id }) });
    await insertConflict(database.db, { recordId: c!, entityId: site, resolution: 'client_wins', winner: side({ userId: ana.id }), loser: side({ userId: ana.id }) });
    await insertConflict(database.db, { recordId: d!, entityId: site, resolution: 'client_wins', status: 'resolved', winner: side({ userId: ben.id }), loser: side({ userId: ana.id }) });
    expect((await status(ana.token)).body.overwrittenRecordIds).toEqual([a]);
    expect((await status(ben.token)).body.overwrittenRecordIds).toEqual([]);
  });

  it('needs a valid token', async () => {
    const r = await status();
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('UNAUTHENTICATED');
  });
});
