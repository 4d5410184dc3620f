// Every endpoint goes through the instance's admission (api.ts `h`, http/admit.ts): one user's
// requests in flight past the bound get 429, the instance's get 503, health is never turned away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './db/database';
import { testDatabases } from './db/test-databases';
import { type TestServer, createTestServer } from './test-server';

const get = (path: string, token?: string) =>
  new Request(`http://test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe.each(testDatabases())('admission of API requests on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  let ana: string;
  let ben: string;
  let cora: string;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database, { maxInFlight: 3, maxInFlightPerUser: 1 });
    ana = await server.token('ana@demo.fieldsync');
    ben = await server.token('ben@demo.fieldsync');
    cora = await server.token('cora@demo.fieldsync');
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A push whose body arrives only when `finish` is called: it holds its slot until then. */
  function slowPush(token: string) {
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        finish = () => {
          controller.enqueue(new TextEncoder().encode('{"deviceId":"slow","changes":[]}'));
          controller.close();
        };
      },
    });
    const response = server.api.syncPush(
      new Request('http://test/api/v1/sync/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    return { response, finish: () => finish() };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('answers a user\'s second request in flight 429 with Retry-After, and another user\'s request as usual', async () => {
    const held = slowPush(ana);
    await settle();
    const second = await server.api.syncPull(get('/api/v1/sync/pull', ana));
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await server.api.syncPull(get('/api/v1/sync/pull', ben))).status).toBe(200);
    held.finish();
    expect((await held.response).status).toBe(400);
    // Done: the slot is free again.
    expect((await server.api.syncPull(get('/api/v1/sync/pull', ana))).status).toBe(200);
  });

  it('answers 503 with Retry-After past the instance\'s requests in flight, but always answers health', async () => {
    const held = [slowPush(ana), slowPush(ben), slowPush(cora)];
    await settle();
    const busy = await server.api.syncPull(get('/api/v1/sync/pull', ana));
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([503, expect.stringMatching(/^\d+$/)]);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect((await server.api.health(get('/api/v1/health'))).status).toBe(200);
    for (const h of held) h.finish();
    await Promise.all(held.map((h) => h.response));
    expect((await server.api.syncPull(get('/api/v1/sync/pull', ana))).status).toBe(200);
  });
});
