import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiName } from './api';
import type { Database } from './db/database';
import { testDatabases } from './db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from './seed/demo';
import { type TestServer, createTestServer } from './test-server';

// Whatever a client sends to the API's other endpoints (login, admin, pull, conflicts, resolve),
// the answer is the endpoint's own, or a 4xx with the protocol's error body; never a 5xx.
// Bodies and query values are drawn from valid values, edge values (text PostgreSQL cannot
// store, ids that are not ids, out-of-range numbers) and any JSON at all. The push has its own
// (sync/push/push-fuzz.test.ts).

const edge = fc.constantFrom('', ' ', 'a\u0000b', '\ud800', 'x'.repeat(2000), '00000000-0000-0000-0000-000000000000', 'not-an-id', "' or 1=1 --", '-1', '1e9', 'NaN');
const anyJson = fc.jsonValue({ maxDepth: 2 });
const some = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 2, arbitrary: edge }, { weight: 1, arbitrary: anyJson });
const entity = fc.constantFrom(DEMO_ENTITIES.campNorth.id, DEMO_ENTITIES.riverside.id);

interface Call {
  readonly name: ApiName;
  readonly method: string;
  readonly path: string;
  readonly as: 'admin' | 'cora' | 'ana' | null;
  readonly body?: unknown;
}

const callArb = fc.oneof(
  fc.record({ email: some(fc.constant('ana@demo.fieldsync')), password: some(fc.constant(DEMO_PASSWORD)) }).map((body) => ({ name: 'login', method: 'POST', path: '/api/v1/auth/login', as: null, body }) as Call),
  fc
    .record({ email: some(fc.uuid().map((u) => `u${u.slice(0, 8)}@example.org`)), name: some(fc.constant('New User')), role: some(fc.constantFrom('field_worker', 'coordinator', 'admin')), password: some(fc.constant('a long password')) })
    .map((body) => ({ name: 'adminCreateUser', method: 'POST', path: '/api/v1/admin/users', as: 'admin', body }) as Call),
  fc.record({ id: some(fc.uuid()), name: some(fc.string({ minLength: 1 })), kind: some(fc.constant('camp')) }, { requiredKeys: ['name', 'kind'] }).map((body) => ({ name: 'adminCreateEntity', method: 'POST', path: '/api/v1/admin/entities', as: 'admin', body }) as Call),
  fc
    .tuple(fc.constantFrom('USER', 'USER', 'USER', 'USER', 'USER', 'not-an-id', '00000000-0000-0000-0000-000000000000', '%00', 'x'.repeat(300)), fc.record({ entityIds: some(fc.array(some(fc.oneof({ weight: 4, arbitrary: entity }, { weight: 1, arbitrary: fc.uuid() })), { maxLength: 3 })) }))
    .map(([user, body]) => ({ name: 'adminReplaceAssignments', method: 'PUT', path: `/api/v1/admin/users/${user}/assignments`, as: 'admin', body }) as Call),
  // A first page (no cursor) most of the time: any string at all is almost never a cursor.
  fc.record({ cursor: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: some(fc.string()) }), limit: some(fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -5, max: 5000 }))) }, { requiredKeys: [] }).map((q) => ({ name: 'syncPull', method: 'GET', path: `/api/v1/sync/pull?${query(q)}`, as: 'ana' }) as Call),
  fc.record({ status: some(fc.constantFrom('open', 'resolved')), entityId: some(entity) }, { requiredKeys: [] }).map((q) => ({ name: 'syncConflicts', method: 'GET', path: `/api/v1/sync/conflicts?${query(q)}`, as: 'cora' }) as Call),
  fc.record({ conflictId: some(fc.uuid()), action: some(fc.constantFrom('accept', 'restore_loser')) }).map((body) => ({ name: 'syncResolve', method: 'POST', path: '/api/v1/sync/resolve', as: 'cora', body }) as Call),
);

function query(q: Record<string, unknown>): string {
  return new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
}

describe.each(testDatabases())('the API with anything in its requests on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  const tokens = new Map<string, string>();
  let anaId = '';
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { syncRequestsPerMinute: 100_000, loginFailuresPerAccount: 100_000, loginFailuresPerAddress: 100_000 });
    for (const who of ['admin', 'cora', 'ana']) tokens.set(who, await server.token(`${who}@demo.fieldsync`));
    anaId = JSON.parse(atob(tokens.get('ana')!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub as string;
  });
  afterAll(async () => {
    await database.close();
  });

  it('answers every request with a status under 500 and, for a 4xx, the error body', async () => {
    const answered = new Map<string, number>(); // endpoint → 2xx answers
    await fc.assert(
      fc.asyncProperty(callArb as fc.Arbitrary<Call>, async (call) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        const token = call.as ? tokens.get(call.as) : undefined;
        if (token) headers.authorization = `Bearer ${token}`;
        const url = `http://test${call.path.replace('USER', anaId)}`;
        const init: RequestInit = { method: call.method, headers };
        if (call.body !== undefined) init.body = JSON.stringify(call.body);
        const handler = (server.api as Record<string, (r: Request) => Promise<Response>>)[call.name]!;
        const res = await handler(new Request(url, init));
        const text = await res.text();
        expect([call.name, res.status < 500 ? 'ok' : text]).toEqual([call.name, 'ok']);
        if (res.status < 300) answered.set(call.name, (answered.get(call.name) ?? 0) + 1);
        if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }),
      { numRuns: 300 },
    );
    // Every endpoint also did its work now and then: the requests were not all refused at the door.
    // (Resolve has no conflict to resolve here; its own tests cover that.)
    expect([...answered.keys()].sort()).toEqual(['adminCreateEntity', 'adminCreateUser', 'adminReplaceAssignments', 'login', 'syncConflicts', 'syncPull'].sort());
  });
});
