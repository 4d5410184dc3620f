// GET /sync/conflicts on every test database: who sees which entries, filters, shape, order,
// and paging by count and by bytes with a cursor.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLICTS_LIMIT_DEFAULT, CONFLICTS_LIMIT_MAX, type ConflictEntry, ConflictEntrySchema, ConflictsPageSchema } from '@/protocol/conflicts';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type TestServer, createTestServer } from '../../test-server';
import { createEntity, createUser, insertRecord } from '../pull/test-fixtures';
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
    const body = (await res.json()) as { conflicts: ConflictEntry[]; cursor?: string; hasMore: boolean; error?: { code: string } };
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

  it('names the authors of both sides beside their ids, and keeps only the id of a user who is gone', async () => {
    const [ana] = await rows<{ id: string }>(database.db, sql`select id::text as id from users where email = 'ana@demo.fieldsync'`);
    const gone = randomUUID();
    const id = await conflictIn(E.campNorth.id, { winner: side({ userId: ana!.id }), loser: side({ userId: gone }) });
    const entry = (await list(await server.token('cora@demo.fieldsync'))).body.conflicts.find((c) => c.id === id)!;
    expect(entry.winner).toMatchObject({ userId: ana!.id, userName: 'Ana Field' });
    expect(entry.loser.userId).toBe(gone);
    expect(entry.loser.userName).toBeUndefined();
    expect(ConflictEntrySchema.strict().safeParse(entry).success).toBe(true);
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

  /** Follows the cursor from the first page to the last; every page's size. */
  async function allPages(token: string, query: string, server_ = server) {
    const sizes: number[] = [];
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const res = await server_.api.syncConflicts(
        new Request(`http://test/api/v1/sync/conflicts?${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(res.status).toBe(200);
      const page = ConflictsPageSchema.parse(await res.json());
      expect(page.cursor !== undefined).toBe(page.hasMore);
      sizes.push(page.conflicts.length);
      ids.push(...page.conflicts.map((c) => c.id));
      if (!page.hasMore) return { sizes, ids };
      cursor = page.cursor;
    }
    throw new Error('the listing never ended');
  }

  it(`pages ${CONFLICTS_LIMIT_DEFAULT} entries at a time by default and at most ${CONFLICTS_LIMIT_MAX}, newest first, following the cursor`, async () => {
    const entity = await createEntity(database.db);
    const user = await createUser(server, 'coordinator', [entity]);
    const recordId = await insertRecord(database.db, { entityId: entity });
    // One statement: every entry has the same created_at, so the id alone orders them.
    await database.db.execute(
      sql`insert into sync_conflicts (record_id, entity_id, type, resolution, winner, loser)
          select ${recordId}, ${entity}, 'assessment', 'server_wins', ${JSON.stringify(side())}::jsonb, ${JSON.stringify(side())}::jsonb
          from generate_series(1, ${CONFLICTS_LIMIT_MAX + 5}::int)`,
    );
    const newer = await conflictIn(entity, { createdAt: new Date(Date.now() + 60_000) });
    const all = await allPages(user.token, `entityId=${entity}`);
    expect(all.sizes).toEqual([100, 100, 100, 100, 100, 6]);
    expect(new Set(all.ids).size).toBe(CONFLICTS_LIMIT_MAX + 6);
    expect(all.ids[0]).toBe(newer);
    expect((await allPages(user.token, `limit=${CONFLICTS_LIMIT_MAX}`)).ids).toEqual(all.ids);
    expect((await allPages(user.token, `limit=${CONFLICTS_LIMIT_MAX}`)).sizes).toEqual([500, 6]);
    expect((await allPages(user.token, 'limit=7&status=open')).ids).toEqual(all.ids);
    // Old clients read only `conflicts`: the first page, newest first.
    expect((await list(user.token)).body.conflicts.map((c) => c.id)).toEqual(all.ids.slice(0, 100));
  });

  it('ends a page early when its bytes are spent, and sends an entry over the budget alone', async () => {
    const small = await createTestServer(database, { pageBytes: 10_000 });
    const entity = await createEntity(database.db);
    const user = await createUser(small, 'coordinator', [entity]);
    const t = Date.parse('2026-11-21T10:00:00.000Z');
    const big = (n: number) => side({ data: { s: 'x'.repeat(n) } });
    const ids: string[] = [];
    // Newest first: 3 entries of about 3 KB (both sides with their stamps and ids), one of 60 KB, then 2 more.
    const sizes = [900, 900, 900, 20_000, 900, 900];
    for (const [i, n] of sizes.entries())
      ids.push(await conflictIn(entity, { createdAt: new Date(t - i * 1000), loser: big(2 * n), winner: big(n) }));
    const all = await allPages(user.token, `entityId=${entity}`, small);
    expect(all.ids).toEqual(ids);
    expect(all.sizes).toEqual([3, 1, 2]);
  });

  it('refuses a cursor it did not give with 400 INVALID_CURSOR, and a bad limit with 400', async () => {
    const cora = await server.token('cora@demo.fieldsync');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const id = randomUUID();
    for (const cursor of [
      'garbage',
      b64({ v: 1, t: '2026-02-30T10:00:00.000000Z', i: id }),
      b64({ v: 1, t: '0000-01-01T00:00:00.000000Z', i: id }),
      b64({ v: 2, t: '2026-02-03T10:00:00.000000Z', i: id }),
      b64({ v: 1, t: '2026-02-03T10:00:00.000000Z', i: 'nope' }),
      b64({ v: 1, t: '2026-02-03T10:00:00.000000Z', i: id, x: 1 }),
      `${b64({ v: 1, t: '2026-02-03T10:00:00.000000Z', i: id })}=`,
    ]) {
      const r = await list(cora, `?cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(r.body.error?.code, cursor).toBe('INVALID_CURSOR');
    }
    const fine = await list(cora, `?cursor=${b64({ v: 1, t: '2026-02-03T10:00:00.000000Z', i: id })}`);
    expect(fine.status).toBe(200);
    for (const q of ['?limit=0', `?limit=${CONFLICTS_LIMIT_MAX + 1}`, '?limit=1e2', '?limit=-1', '?limit=', '?limit=5&limit=6', '?cursor=']) {
      const r = await list(cora, q);
      expect(r.status, q).toBe(400);
      expect(['BAD_REQUEST', 'VALIDATION']).toContain(r.body.error?.code);
    }
  });
});
