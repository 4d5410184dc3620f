import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '@/server/db/test-databases';
import { matchApiRoute } from '@/server/node/api-routes';
import { type TestServer, createTestServer } from '@/server/test-server';
import { AdminApiError, adminApi, adminErrorText } from './admin-api';
import { i18n } from './i18n';

const en = i18n.getFixedT('en', 'admin');
const fr = i18n.getFixedT('fr', 'admin');

describe('the admin console calls, against the real handlers', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  let fetchFn: typeof fetch;
  let calls: string[];
  beforeAll(async () => {
    const database = await testDatabases()[0]!.create();
    close = () => database.close();
    server = await createTestServer(database);
    // The app's fetch, answered by the handler the routing table names (no HTTP in between).
    fetchFn = async (input, init) => {
      const request = new Request(new URL(String(input), 'http://test'), init);
      calls.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
      const match = matchApiRoute(request.method, new URL(request.url).pathname);
      if (match?.kind !== 'handler') throw new Error(`no route for ${request.url}`);
      return (server.api as Record<string, (r: Request) => Promise<Response>>)[match.name]!(request);
    };
  });
  afterAll(async () => {
    await close();
  });

  it('creates, assigns, deactivates, renames and lists through the API', async () => {
    calls = [];
    const api = adminApi(await server.token('admin@demo.fieldsync'), fetchFn);
    const site = await api.createEntity('Console Camp', 'camp');
    const user = await api.createUser({ email: 'console@example.org', name: 'Console', role: 'field_worker', password: 'long enough' });
    expect(await api.assign(user.id, [site.id])).toEqual([site.id]);
    expect(await api.updateUser(user.id, { active: false })).toMatchObject({ id: user.id, active: false, entityIds: [site.id] });
    expect((await api.renameEntity(site.id, 'Console Camp 2')).name).toBe('Console Camp 2');
    const { items, complete } = await api.listUsers();
    expect(complete).toBe(true);
    expect(items.map((u) => u.email)).toContain('console@example.org');
    expect((await api.listEntities()).items.map((e) => e.name)).toContain('Console Camp 2');
    expect(calls).toContain('GET /api/v1/admin/users?limit=1000');
  });

  it('turns a refusal into an AdminApiError with the fields the server named', async () => {
    const api = adminApi(await server.token('admin@demo.fieldsync'), fetchFn);
    const e = await api.createUser({ email: 'x@example.org', name: 'X', role: 'admin', password: 'short' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AdminApiError);
    expect(e).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(adminErrorText(e, en)).toMatch(/password/);
    const coordinator = adminApi(await server.token('cora@demo.fieldsync'), fetchFn);
    expect(adminErrorText(await coordinator.createEntity('No', 'camp').catch((err: unknown) => err), en)).toBe('Your role may not do this.');
  });

  it('says there is no connection when the request does not reach the server', async () => {
    const api = adminApi('token', () => Promise.reject(new TypeError('Failed to fetch')));
    const e = await api.listUsers().catch((err: unknown) => err);
    expect(adminErrorText(e, en)).toBe('No connection: the admin console needs the server.');
  });

  it('says its own words in the user’s language, and an answer it cannot read as such', async () => {
    const offline = await adminApi('token', () => Promise.reject(new TypeError('Failed to fetch'))).listUsers().catch((err: unknown) => err);
    expect(adminErrorText(offline, fr)).toBe('Pas de connexion : la console d’administration a besoin du serveur.');
    const garbled = await adminApi('token', async () => Response.json({ nope: true })).listUsers().catch((err: unknown) => err);
    expect(adminErrorText(garbled, en)).toBe('The server sent an unexpected answer.');
    expect(adminErrorText(new Error('x'), fr)).toBe('Une erreur s’est produite. Réessayez.');
  });
});
