import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { API_ROUTES, type TableMethod, matchApiRoute } from '../node/api-routes';
import { DEMO_ENTITIES } from '../seed/demo';
import { stamp } from '../sync/pull/test-fixtures';
import { type TestServer, createTestServer } from '../test-server';
import { buildOpenApiDocument, openApiPath } from './document';
import { documentedPath, undocumented } from './documented-responses';

const E = DEMO_ENTITIES;
const routeMethods = Object.entries(API_ROUTES).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ path, method: m as TableMethod })));

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

  it('is OpenAPI 3.1 and describes every route and method of the routing table, and nothing else', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const { path, method } of routeMethods) {
      const op = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(Object.keys(op!.responses).some((s) => s.startsWith('2')), `${method} ${path} has a success response`).toBe(true);
    }
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(described.sort()).toEqual(routeMethods.map(({ path, method }) => `${method} ${openApiPath(path)}`).sort());
  });

  it('finds a response that differs from its schema, and a status it does not list', () => {
    expect(undocumented('/api/v1/health', 'GET', 200, { status: 'ok', db: 'ok' })).toEqual([]);
    expect(undocumented('/api/v1/health', 'GET', 200, { status: 'fine', db: 'ok' })).not.toEqual([]);
    expect(undocumented('/api/v1/health', 'GET', 200, { status: 'ok', db: 'ok', extra: 1 })).not.toEqual([]);
    expect(undocumented('/api/v1/health', 'GET', 418, {})).toEqual(['GET /api/v1/health does not document the status 418']);
    // An error code the route does not list is not documented either.
    expect(undocumented('/api/v1/sync/status', 'GET', 409, { error: { code: 'CONFLICT', message: 'x' } })).not.toEqual([]);
  });
});

describe.each(testDatabases())('every route answers as documented on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const seen = new Set<string>();
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
    for (const u of ['admin', 'ana', 'cora']) tokens[u] = await server.token(`${u}@demo.fieldsync`);
  });
  afterAll(async () => {
    await database.close();
  });

  /** Calls the handler the routing table names, and checks the answer against the document. */
  async function call(
    method: TableMethod,
    url: string,
    who: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const pathname = new URL(url, 'http://test').pathname;
    const match = matchApiRoute(method, pathname);
    if (match?.kind !== 'handler') throw new Error(`no handler for ${method} ${pathname}`);
    const path = documentedPath(pathname)!;
    const route = routeMethods.find((r) => r.method === method && openApiPath(r.path) === path)!;
    const handler = (server.api as Record<string, (r: Request) => Promise<Response>>)[match.name]!;
    const res = await handler(
      new Request(`http://test${url}`, {
        method,
        headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}), ...headers },
        ...(body === undefined ? {} : { body: body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body) }),
      }),
    );
    const isJson = res.headers.get('content-type')?.startsWith('application/json') ?? false;
    // An event stream does not end by itself: its status and headers are the answer.
    const stream = res.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
    const json = (isJson ? await res.json() : stream ? await res.body!.cancel().then(() => '') : await res.text()) as Record<string, unknown>;
    expect(undocumented(openApiPath(route.path), method, res.status, json), `${method} ${url}`).toEqual([]);
    seen.add(`${method} ${route.path} ${res.status}`);
    return { status: res.status, body: json, headers: res.headers };
  }

  it('answers each route with documented bodies, successes and errors alike', async () => {
    expect((await call('GET', '/api/v1/health', undefined)).status).toBe(200);
    expect((await call('GET', '/api/v1/openapi.json', undefined)).status).toBe(200);
    expect((await call('GET', '/api/v1/health/live', undefined)).status).toBe(200);
    expect((await call('GET', '/api/v1/metrics', 'admin')).status).toBe(200);
    expect((await call('GET', '/api/v1/metrics', 'ana')).status).toBe(403);
    expect((await call('GET', '/api/v1/metrics', undefined)).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/login', undefined, { email: 'ana@demo.fieldsync', password: 'fieldsync-demo' })).status).toBe(200);
    expect((await call('POST', '/api/v1/auth/login', undefined, { email: 'ana@demo.fieldsync', password: 'wrong password' })).status).toBe(401);

    const created = await call('POST', '/api/v1/admin/users', 'admin', { email: 'doc@example.org', name: 'Doc', role: 'field_worker', password: 'long enough' });
    expect(created.status).toBe(201);
    const userId = (created.body.user as { id: string }).id;
    expect((await call('POST', '/api/v1/admin/users', 'admin', { email: 'doc@example.org', name: 'Doc', role: 'field_worker', password: 'long enough' })).status).toBe(409);
    expect((await call('GET', '/api/v1/admin/users?limit=2', 'admin')).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/users', 'cora')).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/users', 'ana')).status).toBe(403);
    expect((await call('GET', '/api/v1/admin/users?limit=0', 'admin')).status).toBe(400);
    expect((await call('PATCH', `/api/v1/admin/users/${userId}`, 'admin', { name: 'Doc Two' })).status).toBe(200);
    expect((await call('PATCH', `/api/v1/admin/users/${randomUUID()}`, 'admin', { name: 'Nobody' })).status).toBe(404);
    const entity = await call('POST', '/api/v1/admin/entities', 'admin', { name: 'Doc Camp', kind: 'camp' });
    expect(entity.status).toBe(201);
    const entityId = (entity.body.entity as { id: string }).id;
    expect((await call('GET', '/api/v1/admin/entities', 'admin')).status).toBe(200);
    expect((await call('PATCH', `/api/v1/admin/entities/${entityId}`, 'admin', { name: 'Doc Camp 2' })).status).toBe(200);
    expect((await call('PATCH', `/api/v1/admin/entities/${entityId}`, 'cora', { name: 'Doc Camp 3' })).status).toBe(403);
    expect((await call('PUT', `/api/v1/admin/users/${userId}/assignments`, 'admin', { entityIds: [entityId] })).status).toBe(200);
    expect((await call('PUT', `/api/v1/admin/users/${userId}/assignments`, 'admin', { entityIds: 'x' })).status).toBe(400);

    // A create, then an update from the same base: a conflict in the log, for the conflict routes.
    const recordId = randomUUID();
    const change = (action: 'create' | 'update') => ({ changeId: randomUUID(), type: 'assessment', action, recordId, entityId: E.campNorth.id, baseVersion: 0, hlc: stamp('dev_doc'), data: { title: action } });
    expect((await call('POST', '/api/v1/sync/batch', 'ana', { deviceId: 'dev_doc', changes: [change('create')] })).status).toBe(200);
    const pushed = await call('POST', '/api/v1/sync/batch', 'ana', { deviceId: 'dev_doc', changes: [change('update')] });
    expect((pushed.body.conflicts as unknown[]).length).toBe(1);
    expect((await call('POST', '/api/v1/sync/batch', 'ana', { deviceId: 'dev_doc', changes: [] })).status).toBe(400);
    expect((await call('GET', '/api/v1/sync/pull?limit=10', 'ana')).status).toBe(200);
    expect((await call('GET', '/api/v1/sync/pull?cursor=nope', 'ana')).status).toBe(400);
    const conflicts = await call('GET', '/api/v1/sync/conflicts?status=open', 'cora');
    const conflictId = (conflicts.body.conflicts as Array<{ id: string }>)[0]!.id;
    expect((await call('POST', '/api/v1/sync/resolve', 'ana', { conflictId, action: 'accept' })).status).toBe(403);
    expect((await call('POST', '/api/v1/sync/resolve', 'cora', { conflictId, action: 'restore_loser' })).status).toBe(200);
    expect((await call('POST', '/api/v1/sync/resolve', 'cora', { conflictId, action: 'accept' })).status).toBe(409);
    expect((await call('GET', '/api/v1/sync/status', 'ana')).status).toBe(200);
    expect((await call('GET', '/api/v1/sync/status', 'not.a.token')).status).toBe(401);
    expect((await call('GET', '/api/v1/sync/users', 'ana')).status).toBe(200);
    expect((await call('GET', '/api/v1/sync/users', 'not.a.token')).status).toBe(401);
    expect((await call('GET', '/api/v1/sync/events', 'ana')).status).toBe(200);
    expect((await call('GET', '/api/v1/sync/events', undefined)).status).toBe(401);

    // Media content: a record, its upload in two parts, its download.
    const content = new TextEncoder().encode('not really a jpeg');
    const parentId = randomUUID();
    const mediaId = randomUUID();
    const sha256 = createHash('sha256').update(content).digest('hex');
    const media = { parentId, contentType: 'image/jpeg', size: content.length, sha256, fileName: 'a.jpg' };
    const mediaChange = { ...change('create'), recordId: mediaId, type: 'media', data: media };
    expect((await call('POST', '/api/v1/sync/batch', 'ana', { deviceId: 'dev_doc', changes: [{ ...change('create'), recordId: parentId }, mediaChange] })).status).toBe(200);
    const tus = { 'tus-resumable': '1.0.0' };
    const metadata = `mediaId ${Buffer.from(mediaId).toString('base64')}`;
    expect((await call('GET', `/api/v1/media/${mediaId}/content`, 'ana')).status).toBe(409);
    expect((await call('POST', '/api/v1/media/uploads', 'ana', undefined, { ...tus, 'upload-length': '1', 'upload-metadata': metadata })).status).toBe(400);
    const createdUpload = await call('POST', '/api/v1/media/uploads', 'ana', undefined, { ...tus, 'upload-length': String(content.length), 'upload-metadata': metadata });
    expect(createdUpload.status).toBe(201);
    const upload = createdUpload.headers.get('location')!;
    const patch = (offset: number, part: Uint8Array) =>
      call('PATCH', upload, 'ana', part, { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' });
    expect((await patch(0, content.subarray(0, 5))).status).toBe(204);
    expect((await call('HEAD', upload, 'ana', undefined, tus)).status).toBe(200);
    expect((await patch(0, content.subarray(5))).status).toBe(409);
    expect((await call('DELETE', upload, 'cora', undefined, tus)).status).toBe(404);
    expect((await patch(5, content.subarray(5))).status).toBe(204);
    expect((await call('DELETE', upload, 'ana', undefined, tus)).status).toBe(400);
    expect((await call('GET', `/api/v1/media/${mediaId}/content`, 'cora')).status).toBe(200);
    expect((await call('GET', `/api/v1/media/${mediaId}/content`, 'cora', undefined, { range: 'bytes=0-1' })).status).toBe(206);
    expect((await call('GET', `/api/v1/media/${mediaId}/content`, 'cora', undefined, { range: 'bytes=99-' })).status).toBe(416);
    expect((await call('GET', `/api/v1/media/${mediaId}/content`, undefined)).status).toBe(401);
    const other = await call('POST', '/api/v1/media/uploads', 'ana', undefined, { ...tus, 'upload-length': String(content.length), 'upload-metadata': `mediaId ${Buffer.from(parentId).toString('base64')}` });
    expect(other.status).toBe(404);
    const bad = { ...mediaChange, changeId: randomUUID(), recordId: randomUUID(), data: { ...media, sha256: 'f'.repeat(64) } };
    expect((await call('POST', '/api/v1/sync/batch', 'ana', { deviceId: 'dev_doc', changes: [bad] })).status).toBe(200);
    const badUpload = await call('POST', '/api/v1/media/uploads', 'ana', undefined, { ...tus, 'upload-length': String(content.length), 'upload-metadata': `mediaId ${Buffer.from(bad.recordId).toString('base64')}` });
    const badAt = badUpload.headers.get('location')!;
    expect((await call('PATCH', badAt, 'ana', content, { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' })).status).toBe(460);
    const giveUp = await call('POST', '/api/v1/media/uploads', 'ana', undefined, { ...tus, 'upload-length': String(content.length), 'upload-metadata': `mediaId ${Buffer.from(bad.recordId).toString('base64')}` });
    expect((await call('DELETE', giveUp.headers.get('location')!, 'ana', undefined, tus)).status).toBe(204);

    // Forms: publish a version, list them, revalidate with the ETag.
    const form = { title: 'Doc form', entityIds: [E.campNorth.id], definition: { questions: [{ id: 'ok', type: 'text', label: 'OK?' }] } };
    expect((await call('POST', '/api/v1/admin/forms', 'cora', form)).status).toBe(201);
    expect((await call('POST', '/api/v1/admin/forms', 'cora', { ...form, entityIds: null })).status).toBe(403);
    expect((await call('POST', '/api/v1/admin/forms', 'admin', { ...form, definition: { questions: [] } })).status).toBe(400);
    expect((await call('POST', '/api/v1/admin/forms', 'admin', { ...form, entityIds: [randomUUID()] })).status).toBe(404);
    const listed = await call('GET', '/api/v1/forms', 'ana');
    expect(listed.status).toBe(200);
    expect((await call('GET', '/api/v1/forms', 'ana', undefined, { 'if-none-match': listed.headers.get('etag')! })).status).toBe(304);

    const succeeded = routeMethods.filter(({ path, method }) => ![...seen].some((s) => s.startsWith(`${method} ${path} 2`)));
    expect(succeeded, 'routes this test never saw succeed').toEqual([]);
  });
});
