import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminEntitiesResponse, AdminUsersResponse } from '@/protocol/admin';
import { ErrorBodySchema } from '@/protocol/errors';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import { authenticate } from '../auth/authenticate';
import type { Database } from '../db/database';
import { assignments, users } from '../db/schema';
import { testDatabases } from '../db/test-databases';
import { DEMO_ENTITIES } from '../seed/demo';
import { documentedPath, documentedResponse } from '../openapi/documented-responses';
import { type TestServer, createTestServer } from '../test-server';

const E = DEMO_ENTITIES;

/** Calls a handler, and checks its answer against the OpenAPI document of that route. */
async function call(handler: (r: Request) => Promise<Response>, method: string, path: string, token: string | undefined, body?: unknown) {
  const request = new Request(`http://test${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const res = await handler(request);
  if (documentedPath(new URL(request.url).pathname) !== undefined) await documentedResponse(method, request.url, res);
  return res;
}

async function codeOf(res: Response): Promise<string> {
  return ErrorBodySchema.parse(await res.json()).error.code;
}

describe.each(testDatabases())('admin endpoints on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  let admin: string;
  let ana: string;
  let cora: string;
  let anaId: string;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
    [admin, ana, cora] = await Promise.all(['admin', 'ana', 'cora'].map((u) => server.token(`${u}@demo.fieldsync`))) as [string, string, string];
    const [row] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, 'ana@demo.fieldsync'));
    anaId = row!.id;
  });
  afterAll(async () => {
    await database.close();
  });

  const createUser = (token: string | undefined, body: unknown) => call(server.api.adminCreateUser, 'POST', '/api/v1/admin/users', token, body);
  const createEntity = (token: string | undefined, body: unknown) => call(server.api.adminCreateEntity, 'POST', '/api/v1/admin/entities', token, body);
  const assign = (token: string | undefined, userId: string, body: unknown) =>
    call(server.api.adminReplaceAssignments, 'PUT', `/api/v1/admin/users/${userId}/assignments`, token, body);
  const asCaller = (token: string) => authenticate(server.ctx, new Request('http://test/', { headers: { authorization: `Bearer ${token}` } }));

  describe('POST /admin/users', () => {
    it('creates a user who can then log in', async () => {
      const res = await createUser(admin, { email: ' Dora@Example.org ', name: 'Dora', role: 'coordinator', password: 'correct horse' });
      expect(res.status).toBe(201);
      const { user } = (await res.json()) as { user: Record<string, unknown> };
      expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'dora@example.org', name: 'Dora', role: 'coordinator' });
      expect(await server.token('dora@example.org', 'correct horse')).toMatch(/\./);
    });

    it('refuses an email already taken with 409 CONFLICT', async () => {
      const res = await createUser(admin, { email: 'ANA@demo.fieldsync', name: 'Other Ana', role: 'admin', password: 'long enough' });
      expect(res.status).toBe(409);
      expect(await codeOf(res)).toBe('CONFLICT');
      const [row] = await database.db.select().from(users).where(eq(users.email, 'ana@demo.fieldsync'));
      expect(row?.role).toBe('field_worker');
    });

    it('gives one 201 and one 409 for the same email sent twice at once', async () => {
      const body = { email: 'twice@example.org', name: 'Twice', role: 'field_worker', password: 'long enough' };
      const statuses = (await Promise.all([createUser(admin, body), createUser(admin, body)])).map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
    });

    it('refuses bad bodies with 400 VALIDATION', async () => {
      const good = { email: 'eve@example.org', name: 'Eve', role: 'field_worker', password: 'long enough' };
      for (const body of [
        { ...good, email: 'not-an-email' },
        { ...good, role: 'superuser' },
        { ...good, password: 'short' },
        { ...good, name: '   ' },
        { ...good, isAdmin: true },
        { ...good, name: 'Eve\u0000' },
        { email: good.email },
        null,
      ]) {
        const res = await createUser(admin, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await codeOf(res)).toBe('VALIDATION');
      }
      expect(await database.db.select().from(users).where(eq(users.email, 'eve@example.org'))).toEqual([]);
    });

    it('refuses non-JSON with 400 and a body over the limit with 413', async () => {
      const bad = await createUser(admin, '{not json');
      expect([bad.status, await codeOf(bad)]).toEqual([400, 'BAD_REQUEST']);
      const big = await createUser(admin, { email: 'big@example.org', name: 'x'.repeat(MAX_SMALL_BODY_BYTES), role: 'admin', password: 'long enough' });
      expect([big.status, await codeOf(big)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });
  });

  describe('POST /admin/entities', () => {
    it('creates an entity with a generated id, or with the id given', async () => {
      const a = await createEntity(admin, { name: 'Hill Camp', kind: 'camp' });
      expect(a.status).toBe(201);
      expect(((await a.json()) as { entity: unknown }).entity).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Hill Camp', kind: 'camp' });
      const id = '0193a000-0000-7000-8000-0000000000aa';
      const b = await createEntity(admin, { id, name: 'Lake Clinic', kind: 'clinic' });
      expect(b.status).toBe(201);
      expect(await b.json()).toEqual({ entity: { id, name: 'Lake Clinic', kind: 'clinic' } });
    });

    it('refuses an existing id with 409 CONFLICT and keeps the entity as it was', async () => {
      const res = await createEntity(admin, { id: E.campNorth.id, name: 'Renamed', kind: 'camp' });
      expect(res.status).toBe(409);
      expect(await codeOf(res)).toBe('CONFLICT');
      const north = await database.db.query.entities.findFirst({ where: (e, { eq: is }) => is(e.id, E.campNorth.id) });
      expect(north?.name).toBe('Camp North');
    });

    it('refuses bad bodies with 400 VALIDATION', async () => {
      for (const body of [{ name: 'X' }, { name: '', kind: 'camp' }, { id: 'nope', name: 'X', kind: 'camp' }, { name: 'X', kind: 'camp', extra: 1 }, { name: 'X\u0000', kind: 'camp' }, { name: 'X', kind: '\u0000' }]) {
        const res = await createEntity(admin, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await codeOf(res)).toBe('VALIDATION');
      }
    });
  });

  describe('PUT /admin/users/{id}/assignments', () => {
    it('replaces the set, and the next request of that user sees it', async () => {
      expect([...(await asCaller(ana)).entityIds]).toEqual([E.campNorth.id, E.campSouth.id]);
      const res = await assign(admin, anaId, { entityIds: [E.riverside.id, E.campSouth.id, E.riverside.id] });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ entityIds: [E.campSouth.id, E.riverside.id] });
      expect([...(await asCaller(ana)).entityIds]).toEqual([E.campSouth.id, E.riverside.id]);
      const none = await assign(admin, anaId, { entityIds: [] });
      expect(await none.json()).toEqual({ entityIds: [] });
      expect((await asCaller(ana)).entityIds).toEqual([]);
      await assign(admin, anaId, { entityIds: [E.campNorth.id, E.campSouth.id] });
      expect([...(await asCaller(ana)).entityIds]).toEqual([E.campNorth.id, E.campSouth.id]);
    });

    it('gives 404 for an unknown entity and changes nothing', async () => {
      const res = await assign(admin, anaId, { entityIds: [E.riverside.id, '0193a000-0000-7000-8000-0000000000ee'] });
      expect(res.status).toBe(404);
      expect(ErrorBodySchema.parse(await res.json()).error).toMatchObject({ code: 'NOT_FOUND', details: { entityIds: ['0193a000-0000-7000-8000-0000000000ee'] } });
      const now = await database.db.select().from(assignments).where(eq(assignments.userId, anaId));
      expect(now.map((a) => a.entityId).sort()).toEqual([E.campNorth.id, E.campSouth.id]);
    });

    it('gives 404 for an unknown user and for an id that is not a UUID', async () => {
      for (const id of ['0193a000-0000-7000-8000-0000000000dd', 'not-a-uuid', '%E0%A4%A', "1' or '1'='1"]) {
        const res = await assign(admin, encodeURI(id).replace(/%25/g, '%'), { entityIds: [] });
        expect(res.status, id).toBe(404);
        expect(await codeOf(res)).toBe('NOT_FOUND');
      }
    });

    it('refuses a bad body with 400 VALIDATION', async () => {
      for (const body of [{}, { entityIds: 'x' }, { entityIds: ['nope'] }, { entityIds: [], more: 1 }]) {
        const res = await assign(admin, anaId, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await codeOf(res)).toBe('VALIDATION');
      }
    });

    it('ends with one of the sets when two replacements race, never an error', async () => {
      const a = [E.campNorth.id];
      const b = [E.riverside.id, E.campSouth.id];
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => assign(admin, anaId, { entityIds: i % 2 ? a : b })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const now = [...(await asCaller(ana)).entityIds];
      expect([JSON.stringify(a), JSON.stringify([...b].sort())]).toContain(JSON.stringify(now));
      await assign(admin, anaId, { entityIds: [E.campNorth.id, E.campSouth.id] });
    });
  });

  const listUsers = (token: string | undefined, query = '') => call(server.api.adminListUsers, 'GET', `/api/v1/admin/users${query}`, token);
  const updateUser = (token: string | undefined, id: string, body: unknown) => call(server.api.adminUpdateUser, 'PATCH', `/api/v1/admin/users/${id}`, token, body);
  const listEntities = (token: string | undefined, query = '') => call(server.api.adminListEntities, 'GET', `/api/v1/admin/entities${query}`, token);
  const renameEntity = (token: string | undefined, id: string, body: unknown) => call(server.api.adminRenameEntity, 'PATCH', `/api/v1/admin/entities/${id}`, token, body);
  const usersOf = async (res: Response) => ((await res.json()) as AdminUsersResponse).users;
  const login = (email: string, password: string) =>
    call(server.api.login, 'POST', '/api/v1/auth/login', undefined, { email, password });
  const status = (token: string) => call(server.api.syncStatus, 'GET', '/api/v1/sync/status', token);

  describe('GET /admin/users', () => {
    it('gives an admin everyone, by email, with role, active and assigned entities', async () => {
      const res = await listUsers(admin);
      expect(res.status).toBe(200);
      const users = await usersOf(res);
      expect(users.map((u) => u.email)).toEqual([...users.map((u) => u.email)].sort());
      expect(users.find((u) => u.email === 'ana@demo.fieldsync')).toEqual({
        id: anaId, email: 'ana@demo.fieldsync', name: 'Ana Field', role: 'field_worker', active: true, entityIds: [E.campNorth.id, E.campSouth.id],
      });
      expect(users.find((u) => u.email === 'admin@demo.fieldsync')).toMatchObject({ role: 'admin', entityIds: [] });
    });

    it('pages by email: each page at most limit long, together everyone once', async () => {
      const all = (await usersOf(await listUsers(admin))).map((u) => u.email);
      const paged: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const body = (await (await listUsers(admin, `?limit=2${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`)).json()) as AdminUsersResponse;
        expect(body.users.length).toBeLessThanOrEqual(2);
        paged.push(...body.users.map((u) => u.email));
        if (body.next === undefined) break;
        after = body.next;
      }
      expect(paged).toEqual(all);
    });

    it("gives a coordinator only the people of their own entities, with only those entities", async () => {
      const res = await createUser(admin, { email: 'north.coord@example.org', name: 'North Coord', role: 'coordinator', password: 'long enough' });
      const { user } = (await res.json()) as { user: { id: string } };
      await assign(admin, user.id, { entityIds: [E.campNorth.id] });
      const north = await server.token('north.coord@example.org', 'long enough');
      const users = await usersOf(await listUsers(north));
      expect(users.map((u) => u.email)).toContain('ana@demo.fieldsync');
      expect(users.map((u) => u.email)).not.toContain('ben@demo.fieldsync');
      expect(users.map((u) => u.email)).not.toContain('admin@demo.fieldsync');
      expect(users.find((u) => u.email === 'ana@demo.fieldsync')?.entityIds).toEqual([E.campNorth.id]);
      expect(users.find((u) => u.email === 'cora@demo.fieldsync')?.entityIds).toEqual([E.campNorth.id]);
    });

    it('refuses field workers with 403, a bad limit with 400 VALIDATION, a repeated one with 400 BAD_REQUEST', async () => {
      expect([(await listUsers(ana)).status, await codeOf(await listUsers(ana))]).toEqual([403, 'FORBIDDEN']);
      for (const q of ['?limit=0', '?limit=1001', '?limit=x', '?after=']) expect(await codeOf(await listUsers(admin, q)), q).toBe('VALIDATION');
      expect(await codeOf(await listUsers(admin, '?limit=1&limit=2'))).toBe('BAD_REQUEST');
      expect(await codeOf(await listUsers(undefined))).toBe('UNAUTHENTICATED');
    });
  });

  describe('PATCH /admin/users/{id}', () => {
    let eveId: string;
    beforeAll(async () => {
      const res = await createUser(admin, { email: 'eve.patch@example.org', name: 'Eve', role: 'field_worker', password: 'first password' });
      eveId = ((await res.json()) as { user: { id: string } }).user.id;
    });

    it('renames and changes the role, answering the user as now stored', async () => {
      const res = await updateUser(admin, eveId, { name: 'Eve Coord', role: 'coordinator' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ user: { id: eveId, email: 'eve.patch@example.org', name: 'Eve Coord', role: 'coordinator', active: true, entityIds: [] } });
      const eve = await server.token('eve.patch@example.org', 'first password');
      expect((await asCaller(eve)).role).toBe('coordinator');
    });

    it("deactivating stops the user's token at once and their login like a wrong password; reactivating restores both", async () => {
      const eve = await server.token('eve.patch@example.org', 'first password');
      expect((await status(eve)).status).toBe(200);
      const res = await updateUser(admin, eveId, { active: false });
      expect(((await res.json()) as { user: { active: boolean } }).user.active).toBe(false);
      const refused = await status(eve);
      expect([refused.status, await codeOf(refused)]).toEqual([401, 'UNAUTHENTICATED']);
      const right = await login('eve.patch@example.org', 'first password');
      const wrong = await login('eve.patch@example.org', 'wrong password');
      expect([right.status, await codeOf(right)]).toEqual([401, 'INVALID_CREDENTIALS']);
      expect([wrong.status, await codeOf(wrong)]).toEqual([401, 'INVALID_CREDENTIALS']);
      expect((await usersOf(await listUsers(admin))).find((u) => u.id === eveId)?.active).toBe(false);

      await updateUser(admin, eveId, { active: true });
      expect((await login('eve.patch@example.org', 'first password')).status).toBe(200);
    });

    it('resets the password: the old one stops working, the new one works', async () => {
      expect((await updateUser(admin, eveId, { password: 'second password' })).status).toBe(200);
      expect(await codeOf(await login('eve.patch@example.org', 'first password'))).toBe('INVALID_CREDENTIALS');
      expect((await login('eve.patch@example.org', 'second password')).status).toBe(200);
    });

    it('refuses an admin deactivating or demoting their own account with 409 CONFLICT', async () => {
      const adminId = (await asCaller(admin)).id;
      for (const body of [{ active: false }, { role: 'coordinator' }]) {
        const res = await updateUser(admin, adminId, body);
        expect([res.status, await codeOf(res)], JSON.stringify(body)).toEqual([409, 'CONFLICT']);
      }
      expect((await asCaller(admin)).role).toBe('admin');
      expect((await updateUser(admin, adminId, { name: 'Ada Admin' })).status).toBe(200);
    });

    it('gives 404 for an unknown user and an id that is not a UUID', async () => {
      for (const id of ['0193a000-0000-7000-8000-0000000000dd', 'not-a-uuid']) {
        const res = await updateUser(admin, id, { name: 'X' });
        expect([res.status, await codeOf(res)], id).toEqual([404, 'NOT_FOUND']);
      }
    });

    it('refuses bad bodies with 400 VALIDATION and changes nothing', async () => {
      for (const body of [{}, { role: 'superuser' }, { password: 'short' }, { active: 'no' }, { name: '  ' }, { name: 'Eve\u0000' }, { email: 'x@example.org' }, null]) {
        const res = await updateUser(admin, eveId, body);
        expect([res.status, await codeOf(res)], JSON.stringify(body)).toEqual([400, 'VALIDATION']);
      }
      expect((await usersOf(await listUsers(admin))).find((u) => u.id === eveId)).toMatchObject({ name: 'Eve Coord', active: true });
    });

    it('refuses coordinators and field workers with 403 and changes nothing', async () => {
      for (const token of [ana, cora]) {
        const res = await updateUser(token, anaId, { active: false, role: 'admin' });
        expect([res.status, await codeOf(res)]).toEqual([403, 'FORBIDDEN']);
      }
      expect((await asCaller(ana)).role).toBe('field_worker');
    });
  });

  describe('GET /admin/entities and PATCH /admin/entities/{id}', () => {
    const entitiesOf = async (res: Response) => ((await res.json()) as AdminEntitiesResponse).entities;

    it('gives an admin every entity by name, a coordinator their own, a field worker 403', async () => {
      const all = await entitiesOf(await listEntities(admin));
      expect(all.map((e) => e.name)).toEqual([...all.map((e) => e.name)].sort());
      expect(all).toContainEqual(E.riverside);
      const res = await createUser(admin, { email: 'south.coord@example.org', name: 'South', role: 'coordinator', password: 'long enough' });
      await assign(admin, ((await res.json()) as { user: { id: string } }).user.id, { entityIds: [E.campSouth.id] });
      const south = await server.token('south.coord@example.org', 'long enough');
      expect(await entitiesOf(await listEntities(south))).toEqual([E.campSouth]);
      expect(await codeOf(await listEntities(ana))).toBe('FORBIDDEN');
    });

    it('pages by name then id', async () => {
      const all = await entitiesOf(await listEntities(admin));
      const paged = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const body = (await (await listEntities(admin, `?limit=1${after === undefined ? '' : `&after=${after}`}`)).json()) as AdminEntitiesResponse;
        paged.push(...body.entities);
        if (body.next === undefined) break;
        after = body.next;
      }
      expect(paged).toEqual(all);
      expect(await codeOf(await listEntities(admin, '?after=not-an-id'))).toBe('VALIDATION');
    });

    it('renames an entity, and its users get the name with their next pull', async () => {
      const pull = (token: string, cursor?: string) =>
        call(server.api.syncPull, 'GET', `/api/v1/sync/pull${cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`}`, token);
      const first = (await (await pull(ana)).json()) as { cursor: string };
      const res = await renameEntity(admin, E.campNorth.id, { name: ' North Camp ' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ entity: { ...E.campNorth, name: 'North Camp' } });
      const next = (await (await pull(ana, first.cursor)).json()) as { entities: Array<{ id: string; name: string }> };
      expect(next.entities.find((e) => e.id === E.campNorth.id)?.name).toBe('North Camp');
      await renameEntity(admin, E.campNorth.id, { name: E.campNorth.name });
    });

    it('gives 404 for an unknown entity, 400 VALIDATION for a bad body, 403 for anyone but an admin', async () => {
      for (const id of ['0193a000-0000-7000-8000-0000000000ee', 'nope']) expect(await codeOf(await renameEntity(admin, id, { name: 'X' })), id).toBe('NOT_FOUND');
      for (const body of [{}, { name: '' }, { name: 'X', kind: 'camp' }, { name: 'X\u0000' }])
        expect(await codeOf(await renameEntity(admin, E.campNorth.id, body)), JSON.stringify(body)).toBe('VALIDATION');
      for (const token of [ana, cora]) expect(await codeOf(await renameEntity(token, E.campNorth.id, { name: 'Taken Over' }))).toBe('FORBIDDEN');
      expect((await entitiesOf(await listEntities(admin))).find((e) => e.id === E.campNorth.id)?.name).toBe('Camp North');
    });
  });

  describe('who may call them', () => {
    it('gives field workers and coordinators 403 FORBIDDEN and changes nothing', async () => {
      for (const token of [ana, cora]) {
        for (const res of [
          await createUser(token, { email: 'sneaky@example.org', name: 'S', role: 'admin', password: 'long enough' }),
          await createEntity(token, { name: 'Sneaky Camp', kind: 'camp' }),
          await assign(token, anaId, { entityIds: [E.riverside.id] }),
        ]) {
          expect(res.status).toBe(403);
          expect(await codeOf(res)).toBe('FORBIDDEN');
        }
      }
      expect(await database.db.select().from(users).where(eq(users.email, 'sneaky@example.org'))).toEqual([]);
      expect([...(await asCaller(ana)).entityIds]).toEqual([E.campNorth.id, E.campSouth.id]);
    });

    it('gives 401 without a token', async () => {
      const res = await createEntity(undefined, { name: 'Anon Camp', kind: 'camp' });
      expect([res.status, await codeOf(res)]).toEqual([401, 'UNAUTHENTICATED']);
    });
  });
});
