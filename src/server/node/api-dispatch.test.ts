import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { API_SECURITY_HEADERS } from '../http/security-headers';
import { DEMO_PASSWORD } from '../seed/demo';
import { type TestServer, createTestServer } from '../test-server';
import { dispatchApi } from './api-dispatch';
import { ALLOW } from './api-routes';

describe.each(testDatabases())('dispatchApi (the catch-all route of next dev) on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  const send = (path: string, init: RequestInit = {}) => dispatchApi(new Request(`http://test${path}`, init), (name) => server.api[name]);
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('answers each route from the same table and handlers as production, with the security headers', async () => {
    const health = await send('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    for (const name in API_SECURITY_HEADERS) expect(health.headers.get(name), name).toBe(API_SECURITY_HEADERS[name]);
    const login = await send('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@demo.fieldsync', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(await login.json()).toHaveProperty('token');
  });

  it('answers unknown paths 404, other methods 405, OPTIONS 204 and malformed escapes 400, all as production does', async () => {
    const code = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;
    expect(await code(await send('/api/v1/nope'))).toBe('NOT_FOUND');
    expect(await code(await send('/api/v1/health', { method: 'DELETE' }))).toBe('METHOD_NOT_ALLOWED');
    const options = await send('/api/v1/sync/batch', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe(ALLOW);
    const malformed = await send('/api/v1/%zz');
    expect(malformed.status).toBe(400);
    // What production leaves to Next.js's redirects, if it ever arrives here, is still JSON.
    expect(await code(await send('/api/v1/health/'))).toBe('NOT_FOUND');
  });
});
