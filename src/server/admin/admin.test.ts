import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@/protocol/errors';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import { authenticate } from '../auth/authenticate';
import type { Database } from '../db/database';
import { assignments, users } from '../db/schema';
import { testDatabases } from '../db/test-databases';
import { DEMO_ENTITIES } from '../seed/demo';
import { type TestServer, createTestServer } from '../test-server';

const E = DEMO_ENTITIES;

function call(handler: (r: Request) => Promise<Response>, method: string, path: string, token: string | undefined, body?: unknown) {
  return handler(
    new Request(`http://test${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
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
