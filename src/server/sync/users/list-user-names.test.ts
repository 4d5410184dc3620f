// GET /sync/users on every test database: the names of the users whose work the caller may see,
// and no one else's.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserNamesResponseSchema, type UserNamesResponse } from '@/protocol/users';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { type TestServer, createTestServer } from '../../test-server';
import { createEntity, createUser } from '../pull/test-fixtures';

describe.each(testDatabases())('GET /sync/users on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
  });
  afterAll(async () => {
    await database.close();
  });

  async function names(token?: string) {
    const res = await server.api.syncUsers(new Request('http://test/api/v1/sync/users', { headers: token ? { authorization: `Bearer ${token}` } : {} }));
    return { status: res.status, body: (await res.json()) as UserNamesResponse & { error?: { code: string } } };
  }

  const rename = (id: string, name: string) => database.db.execute(sql`update users set name = ${name} where id = ${id}::uuid`);

  it('names the caller first, the users of the caller’s entities and the admins, and no one else', async () => {
    const north = await createEntity(database.db);
    const south = await createEntity(database.db);
    const elsewhere = await createEntity(database.db);
    const ana = await createUser(server, 'field_worker', [north, south]);
    const ben = await createUser(server, 'field_worker', [south]);
    const cora = await createUser(server, 'coordinator', [north, elsewhere]);
    const admin = await createUser(server, 'admin');
    const stranger = await createUser(server, 'field_worker', [elsewhere]);
    for (const [u, n] of [[ana, 'Ana Field'], [ben, 'Ben Field'], [cora, 'Cora Coordinator'], [admin, 'Admin'], [stranger, 'Stranger']] as const) await rename(u.id, n);
    // Deactivated users keep their name: their records still carry their id.
    await database.db.execute(sql`update users set deactivated_at = now() where id = ${ben.id}::uuid`);

    const { status, body } = await names(ana.token);
    expect(status).toBe(200);
    expect(UserNamesResponseSchema.strict().safeParse(body).success).toBe(true);
    expect(body.users[0]).toEqual({ id: ana.id, name: 'Ana Field' });
    const byId = new Map(body.users.map((u) => [u.id, u.name]));
    expect(byId.get(ben.id)).toBe('Ben Field');
    expect(byId.get(cora.id)).toBe('Cora Coordinator');
    expect(byId.get(admin.id)).toBe('Admin');
    expect(byId.has(stranger.id)).toBe(false);
    // Ids and names only.
    expect(Object.keys(body.users[0]!).sort()).toEqual(['id', 'name']);
  });

  it('names to a user without entities only themselves and the admins', async () => {
    const admin = await createUser(server, 'admin');
    const loner = await createUser(server, 'field_worker');
    const { status, body } = await names(loner.token);
    expect(status).toBe(200);
    expect(body.users[0]?.id).toBe(loner.id);
    const others = body.users.slice(1).map((u) => u.id);
    const admins = await rows<{ id: string }>(database.db, sql`select id::text as id from users where role = 'admin'`);
    const adminIds = new Set(admins.map((r) => r.id));
    expect(others).toContain(admin.id);
    expect(others.every((id) => adminIds.has(id))).toBe(true);
  });

  it('refuses a request without a valid token', async () => {
    expect(await names()).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(await names('not.a.token')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});
