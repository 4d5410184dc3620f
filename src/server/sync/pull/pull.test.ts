// GET /sync/pull on every test database: paging, newest versions, tombstones, access,
// entity list, cursor checks, limits, activity and rate limits.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullResponseSchema } from '@/protocol/pull';
import type { Database } from '../../db/database';
import { rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { DEMO_ENTITIES } from '../../seed/demo';
import { type TestServer, createTestServer } from '../../test-server';
import { cursorKey, decodeCursor, encodeCursor } from './pull-cursor';
import {
  createEntity,
  createUser,
  follower,
  insertRecord,
  insertRecords,
  pullPage,
  pullUntilDone,
  unassign,
  userIdOf,
  writeRecord,
} from './test-fixtures';

const E = DEMO_ENTITIES;

describe.each(testDatabases())('GET /sync/pull on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 1_000_000, syncBurst: 1_000_000 });
  });
  afterAll(async () => {
    await database.close();
  });
  const db = () => database.db;

  it('pages a first pull exactly at every limit, with no record twice and none missing', async () => {
    const entity = await createEntity(db());
    const ids = await insertRecords(db(), entity, 2_500);
    const user = await createUser(server, 'field_worker', [entity]);

    const sizes = async (limit: number | undefined) => {
      const f = follower();
      const pages = await pullUntilDone(server, user.token, f, limit);
      const seen = pages.flatMap((p) => p.changes.map((c) => c.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(ids); // one transaction: feed order is row order
      expect(pages.map((p) => p.hasMore)).toEqual(pages.map((_, i) => i < pages.length - 1));
      expect(pages[0]!.entities.map((e) => e.id)).toEqual([entity]);
      for (const p of pages.slice(1)) expect(p.entities).toEqual([]);
      for (const p of pages) expect(PullResponseSchema.safeParse(p).success).toBe(true);
      return pages.map((p) => p.changes.length);
    };
    expect(await sizes(1000)).toEqual([1000, 1000, 500]);
    expect(await sizes(undefined)).toEqual([500, 500, 500, 500, 500]);
    expect(await sizes(999)).toEqual([999, 999, 502]);
    const sevens = await sizes(7);
    expect(sevens).toHaveLength(358);
    expect(sevens.slice(0, 357).every((n) => n === 7)).toBe(true);
    expect(sevens[357]).toBe(1);

    // limit 1 for a while, then the rest with limit 1000 from the same cursor.
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await pullPage(server, user.token, { cursor, limit: 1 });
      expect(r.body.changes).toHaveLength(1);
      expect(r.body.hasMore).toBe(true);
      seen.push(r.body.changes[0]!.id);
      cursor = r.body.cursor;
    }
    const f = follower(cursor);
    const rest = await pullUntilDone(server, user.token, f, 1000);
    expect(rest.map((p) => p.changes.length)).toEqual([1000, 1000, 475]);
    expect([...seen, ...rest.flatMap((p) => p.changes.map((c) => c.id))]).toEqual(ids);

    const after = await pullPage(server, user.token, { cursor: f.cursor });
    expect(after.body).toMatchObject({ changes: [], entities: [], removedEntityIds: [], hasMore: false });
  });

  it('serves each record once at its newest version, tombstones included, and later writes after the cursor', async () => {
    const entity = await createEntity(db());
    const user = await createUser(server, 'field_worker', [entity]);
    const a = await insertRecord(db(), { entityId: entity, data: { v: 1 } });
    const b = await insertRecord(db(), { entityId: entity, data: { keep: 'me' } });
    await writeRecord(db(), a, { data: { v: 2 } });
    await writeRecord(db(), a, { data: { v: 3 } });
    await writeRecord(db(), b, { deleted: true });

    const first = await pullPage(server, user.token);
    expect(first.status).toBe(200);
    expect(first.body.changes.map((c) => c.id)).toEqual([a, b]); // b was written last
    expect(first.body.changes[0]).toMatchObject({ id: a, version: 3, data: { v: 3 }, deleted: false, entityId: entity });
    expect(first.body.changes[1]).toMatchObject({ id: b, version: 2, data: { keep: 'me' }, deleted: true });

    const idle = await pullPage(server, user.token, { cursor: first.body.cursor });
    expect(idle.body.changes).toEqual([]);
    expect(idle.body.hasMore).toBe(false);

    await writeRecord(db(), a, { data: { v: 4 } });
    await writeRecord(db(), b, { data: { back: true } }); // an update brings a tombstone back
    const next = await pullPage(server, user.token, { cursor: idle.body.cursor });
    expect(next.body.changes.map((c) => [c.id, c.version, c.deleted])).toEqual([
      [a, 4, false],
      [b, 3, false],
    ]);
    // serverHlc is later than every stamp served.
    for (const c of next.body.changes) expect(next.body.serverHlc > c.hlc).toBe(true);
  });

  it('shows a user only records of their entities (ben never sees Camp North); admins see all', async () => {
    const north = await insertRecord(db(), { entityId: E.campNorth.id });
    const south = await insertRecord(db(), { entityId: E.campSouth.id });
    const river = await insertRecord(db(), { entityId: E.riverside.id });
    const everything = async (email: string) => {
      const f = follower();
      const pages = await pullUntilDone(server, await server.token(email), f);
      return { f, entities: pages[0]!.entities.map((e) => e.name).sort() };
    };
    const ben = await everything('ben@demo.fieldsync');
    expect(ben.entities).toEqual(['Camp South', 'Riverside Clinic']);
    expect([...ben.f.records.values()].some((r) => r.entityId === E.campNorth.id)).toBe(false);
    expect(ben.f.records.has(north)).toBe(false);
    expect(ben.f.records.has(south) && ben.f.records.has(river)).toBe(true);

    const ana = await everything('ana@demo.fieldsync');
    expect(ana.entities).toEqual(['Camp North', 'Camp South']);
    expect(ana.f.records.has(north) && ana.f.records.has(south) && !ana.f.records.has(river)).toBe(true);

    const admin = await everything('admin@demo.fieldsync');
    expect(admin.f.records.has(north) && admin.f.records.has(south) && admin.f.records.has(river)).toBe(true);

    // and ben still does not see Camp North's later writes.
    await writeRecord(db(), north, { data: { later: true } });
    const again = await pullPage(server, await server.token('ben@demo.fieldsync'), { cursor: ben.f.cursor });
    expect(again.body.changes.map((c) => c.id)).not.toContain(north);
  });

  it('delivers all existing records of a gained entity, in pages, then goes on with the main feed', async () => {
    const mine = await createEntity(db());
    const gained = await createEntity(db(), 'Gained');
    const user = await createUser(server, 'field_worker', [mine]);
    const old: string[] = [];
    for (let i = 0; i < 5; i++) old.push(await insertRecord(db(), { entityId: gained, data: { i } }));
    await insertRecord(db(), { entityId: mine });
    const f = follower();
    await pullUntilDone(server, user.token, f);
    expect([...f.records.values()].every((r) => r.entityId === mine)).toBe(true);

    await db().execute(sql`insert into assignments (user_id, entity_id) values (${user.id}, ${gained})`);
    const newer = await insertRecord(db(), { entityId: mine });
    const first = await pullPage(server, user.token, { cursor: f.cursor, limit: 2 });
    expect(first.body.entities.map((e) => e.name)).toContain('Gained');
    expect(first.body.removedEntityIds).toEqual([]);
    expect(first.body.hasMore).toBe(true);
    // an old record moved by a write during the catch-up is still delivered, at its new version
    await writeRecord(db(), old[4]!, { data: { moved: true } });
    const pages = [first.body, ...(await pullUntilDone(server, user.token, { ...follower(first.body.cursor) }, 2))];
    const ids = pages.flatMap((p) => p.changes.map((c) => c.id));
    expect(new Set(ids)).toEqual(new Set([...old, newer]));
    expect(pages.map((p) => p.changes.length)).toEqual([2, 2, 2]);
    expect(pages.at(-1)!.hasMore).toBe(false);
    const last = pages.flatMap((p) => p.changes).filter((c) => c.id === old[4]).at(-1);
    expect(last).toMatchObject({ version: 2, data: { moved: true } });
    for (const p of pages.slice(1)) expect(p.entities).toEqual([]);
  });

  it('lists a lost entity in removedEntityIds once, and no longer serves its records', async () => {
    const keep = await createEntity(db());
    const lose = await createEntity(db());
    const user = await createUser(server, 'field_worker', [keep, lose]);
    await insertRecord(db(), { entityId: lose });
    const f = follower();
    await pullUntilDone(server, user.token, f);

    await db().execute(sql`delete from assignments where user_id = ${user.id} and entity_id = ${lose}`);
    const later = await insertRecord(db(), { entityId: lose });
    const r = await pullPage(server, user.token, { cursor: f.cursor });
    expect(r.body.removedEntityIds).toEqual([lose]);
    expect(r.body.entities.map((e) => e.id)).toEqual([keep]);
    expect(r.body.changes.map((c) => c.id)).not.toContain(later);
    const again = await pullPage(server, user.token, { cursor: r.body.cursor });
    expect(again.body.removedEntityIds).toEqual([]);
    expect(again.body.entities).toEqual([]);
    // the same old cursor, sent again (a lost response), gets the same answer
    const retry = await pullPage(server, user.token, { cursor: f.cursor });
    expect(retry.body.removedEntityIds).toEqual([lose]);
  });

  it('keeps gains and losses right for a user with more entities than a cursor lists', async () => {
    const many: string[] = [];
    for (let i = 0; i < 140; i++) many.push(await createEntity(db()));
    const extra = await createEntity(db());
    const user = await createUser(server, 'coordinator', many);
    const inMany = await insertRecord(db(), { entityId: many[0]! });
    const oldExtra = await insertRecord(db(), { entityId: extra });
    const f = follower();
    await pullUntilDone(server, user.token, f);
    expect(f.records.has(inMany) && !f.records.has(oldExtra)).toBe(true);
    expect(f.cursor!.length).toBeLessThan(2000); // a hash of the set, not 140 ids

    await db().execute(sql`insert into assignments (user_id, entity_id) values (${user.id}, ${extra})`);
    await db().execute(sql`delete from assignments where user_id = ${user.id} and entity_id = ${many[1]!}`);
    const pages = await pullUntilDone(server, user.token, f);
    expect(f.records.has(oldExtra)).toBe(true);
    expect(pages[0]!.removedEntityIds).toEqual([many[1]]);
    expect(pages[0]!.entities).toHaveLength(140);
    const idle = await pullPage(server, user.token, { cursor: f.cursor });
    expect(idle.body).toMatchObject({ changes: [], removedEntityIds: [], entities: [] });
  });

  it('tells a user who loses one of more than 128 entities only of entities that were theirs', async () => {
    const many: string[] = [];
    for (let i = 0; i < 130; i++) many.push(await createEntity(db()));
    const others = [await createEntity(db()), await createEntity(db())];
    const user = await createUser(server, 'field_worker', many);
    const admin = await server.token('admin@demo.fieldsync');
    const replace = async (entityIds: readonly string[]) => {
      const res = await server.api.adminReplaceAssignments(
        new Request(`http://test/api/v1/admin/users/${user.id}/assignments`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ entityIds }),
        }),
      );
      expect(res.status).toBe(200);
    };
    // Lost long ago, before the device's cursor: not news any more.
    await unassign(db(), user.id, [many[129]!]);
    const f = follower();
    await pullUntilDone(server, user.token, f);

    // One lost through the admin API, one removed and given back, one removed by hand in SQL.
    await replace(many.slice(1, 129));
    await replace(many.slice(1, 129).filter((id) => id !== many[2]));
    await replace(many.slice(1, 129));
    await unassign(db(), user.id, [many[3]!]);
    const r = await pullPage(server, user.token, { cursor: f.cursor });
    expect([...r.body.removedEntityIds].sort()).toEqual([many[0]!, many[3]!].sort());
    for (const id of [...others, ...Object.values(E).map((e) => e.id)]) expect(r.body.removedEntityIds).not.toContain(id);
    const again = await pullPage(server, user.token, { cursor: r.body.cursor });
    expect(again.body.removedEntityIds).toEqual([]);
    // the same old cursor, sent again (a lost response), gets the same answer
    const retry = await pullPage(server, user.token, { cursor: f.cursor });
    expect([...retry.body.removedEntityIds].sort()).toEqual([many[0]!, many[3]!].sort());
  });

  it('tells an admin who loses the role of every entity they no longer see, however many there are', async () => {
    for (let i = 0; i < 130; i++) await createEntity(db());
    const keep = await createEntity(db());
    const user = await createUser(server, 'admin', [keep]);
    const f = follower();
    await pullUntilDone(server, user.token, f);
    const all = await rows<{ id: string }>(db(), sql`select id from entities order by id`);
    expect(all.length).toBeGreaterThan(130);

    await db().execute(sql`update users set role = 'coordinator' where id = ${user.id}`);
    const r = await pullPage(server, user.token, { cursor: f.cursor });
    expect(r.body.entities.map((e) => e.id)).toEqual([keep]);
    expect([...r.body.removedEntityIds].sort()).toEqual(all.map((e) => e.id).filter((id) => id !== keep).sort());
  });

  it('sends the entity list again after an entity is renamed, and [] otherwise', async () => {
    const entity = await createEntity(db(), 'Old name');
    const user = await createUser(server, 'field_worker', [entity]);
    const first = await pullPage(server, user.token);
    expect(first.body.entities).toEqual([{ id: entity, name: 'Old name', kind: 'camp' }]);
    const quiet = await pullPage(server, user.token, { cursor: first.body.cursor });
    expect(quiet.body.entities).toEqual([]);
    await db().execute(sql`update entities set name = 'New name' where id = ${entity}`);
    const renamed = await pullPage(server, user.token, { cursor: quiet.body.cursor });
    expect(renamed.body.entities).toEqual([{ id: entity, name: 'New name', kind: 'camp' }]);
    const after = await pullPage(server, user.token, { cursor: renamed.body.cursor });
    expect(after.body.entities).toEqual([]);
  });

  it('refuses a cursor it did not issue to this user with 400 INVALID_CURSOR', async () => {
    const ana = await server.token('ana@demo.fieldsync');
    const ben = await server.token('ben@demo.fieldsync');
    const anaCursor = (await pullPage(server, ana, { limit: 1 })).body.cursor;
    const [body, sig] = anaCursor.split('.') as [string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    // Same payload, re-signed with another key: a cursor from another server.
    const otherKey = cursorKey(new TextEncoder().encode('another-server-secret-another-server'));
    const anaId = await userIdOf(db(), 'ana@demo.fieldsync');
    const state = decodeCursor(cursorKey(server.ctx.tokens.key), anaCursor, anaId);
    const bad = [
      'garbage',
      'a.b',
      `${flip(body, 5)}.${sig}`,
      `${body}.${flip(sig, 3)}`,
      `${body}.${sig}.x`,
      `${body}`,
      encodeCursor(otherKey, state),
      '',
    ];
    for (const cursor of bad) {
      const r = await pullPage(server, ana, { cursor });
      expect(r.status, cursor).toBe(400);
      expect(r.body.error?.code).toBe('INVALID_CURSOR');
    }
    // Signed by this server but made on a database further along (another one, or before a restore).
    const fromTheFuture = encodeCursor(cursorKey(server.ctx.tokens.key), { ...state, watermark: '999999999999' });
    const future = await pullPage(server, ana, { cursor: fromTheFuture });
    expect(future.status).toBe(400);
    expect(future.body.error?.code).toBe('INVALID_CURSOR');
    const stolen = await pullPage(server, ben, { cursor: anaCursor });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error?.code).toBe('INVALID_CURSOR');
    expect((await pullPage(server, ana, { cursor: anaCursor })).status).toBe(200);
  });

  it('refuses a limit outside 1..1000 or not a whole number with 400 BAD_REQUEST', async () => {
    const ana = await server.token('ana@demo.fieldsync');
    for (const limit of ['0', '1001', '-1', '1.5', 'abc', '1e2', '', ' 5', '+5', '99999999999']) {
      const r = await pullPage(server, ana, { limit });
      expect(r.status, `limit=${limit}`).toBe(400);
      expect(r.body.error?.code).toBe('BAD_REQUEST');
    }
    const twice = await server.api.syncPull(
      new Request('http://test/api/v1/sync/pull?limit=1&limit=2', { headers: { authorization: `Bearer ${ana}` } }),
    );
    expect(twice.status).toBe(400);
    for (const limit of [1, 1000]) expect((await pullPage(server, ana, { limit })).status).toBe(200);
  });

  it('needs a valid token', async () => {
    const r = await pullPage(server, undefined);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('UNAUTHENTICATED');
  });

  it('records the time of the last pull', async () => {
    const user = await createUser(server, 'field_worker', []);
    server.clock.advance(1234);
    await pullPage(server, user.token);
    const [a] = await rows<{ at: string | Date }>(db(), sql`select last_pull_at as at from sync_activity where user_id = ${user.id}`);
    expect(new Date(a!.at).getTime()).toBe(server.clock.now());
  });

  it('limits pulls per user: 429 RATE_LIMITED with Retry-After', async () => {
    const limited = await createTestServer(database, { syncRequestsPerMinute: 3 });
    const ana = await limited.token('ana@demo.fieldsync');
    const ben = await limited.token('ben@demo.fieldsync');
    for (let i = 0; i < 3; i++) expect((await pullPage(limited, ana)).status).toBe(200);
    const r = await pullPage(limited, ana);
    expect(r.status).toBe(429);
    expect(r.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await pullPage(limited, ben)).status).toBe(200); // per user
  });
});
