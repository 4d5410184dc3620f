// The built app starts with each database and a demo user logs in over real HTTP.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginResponseSchema } from '@/protocol/auth';
import { ErrorBodySchema } from '@/protocol/errors';
import { type TempDatabase, createTempDatabase, seedDemoWithScript } from './support/postgres';
import { type StartedServer, startServer } from './support/server';

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

async function expectAnaLogsIn(server: StartedServer) {
  const health = await fetch(`${server.url}/api/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });
  const res = await login(server.url, 'ana@demo.fieldsync', 'fieldsync-demo');
  expect(res.status, server.output()).toBe(200);
  const body = LoginResponseSchema.parse(await res.json());
  expect(body.user).toMatchObject({ email: 'ana@demo.fieldsync', role: 'field_worker' });
  const wrong = await login(server.url, 'ana@demo.fieldsync', 'not-it');
  expect(wrong.status).toBe(401);
  expect(ErrorBodySchema.parse(await wrong.json()).error.code).toBe('INVALID_CREDENTIALS');
}

describe('start-up with the embedded database', () => {
  let server: StartedServer;
  beforeAll(async () => {
    // A small per-address budget for the last test; the tests before it fail one login.
    server = await startServer({ env: { FIELDSYNC_LOGIN_FAILURES_PER_ADDRESS: '5' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is healthy, keeps its data in the folder given, and ana logs in', async () => {
    expect(readdirSync(server.dataDir!).length).toBeGreaterThan(0);
    await expectAnaLogsIn(server);
  });

  it('answers in the JSON error body for unknown paths, wrong methods and bad bodies', async () => {
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(ErrorBodySchema.parse(await res.json()).error.code).toBe(code);
    };
    await expectError(await fetch(`${server.url}/api/v1/nothing-here`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${server.url}/api/v2/sync/batch`, { method: 'POST' }), 404, 'NOT_FOUND');
    await expectError(await fetch(`${server.url}/api/v1/auth/login`), 405, 'METHOD_NOT_ALLOWED');
    await expectError(await fetch(`${server.url}/api/v1/admin/users/x/assignments`, { method: 'POST' }), 405, 'METHOD_NOT_ALLOWED');
    const post = (body: string) => fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expectError(await post('{"email":'), 400, 'BAD_REQUEST');
    await expectError(await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(70_000) })), 413, 'PAYLOAD_TOO_LARGE');
    await expectError(await post(JSON.stringify({ email: 'a@b.c', password: 'x', admin: true })), 400, 'VALIDATION');
    const token = LoginResponseSchema.parse(await (await login(server.url, 'ana@demo.fieldsync', 'fieldsync-demo')).json()).token;
    const forbidden = await fetch(`${server.url}/api/v1/admin/entities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'X', kind: 'camp' }),
    });
    await expectError(forbidden, 403, 'FORBIDDEN');
  });

  it('counts failed logins per client address as the server reports it (last X-Forwarded-For hop)', async () => {
    const attempt = (email: string, password: string, xff?: string) =>
      fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(xff ? { 'x-forwarded-for': xff } : {}) },
        body: JSON.stringify({ email, password }),
      });
    for (let i = 0; i < 4; i++) expect((await attempt(`nobody${i}@demo.fieldsync`, 'x')).status).toBe(401);
    const blocked = await attempt('ben@demo.fieldsync', 'fieldsync-demo');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The server filled X-Forwarded-For from the socket: naming 127.0.0.1 is the same bucket ...
    expect((await attempt('ben@demo.fieldsync', 'fieldsync-demo', '127.0.0.1')).status).toBe(429);
    // ... and a header the client wrote itself passes through: only the per-address
    // bucket moves (README "Login limits and the client address").
    expect((await attempt('ben@demo.fieldsync', 'fieldsync-demo', '203.0.113.1')).status).toBe(200);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('start-up with PostgreSQL (DATABASE_URL)', () => {
  let database: TempDatabase;
  let server: StartedServer | undefined;
  beforeAll(async () => {
    database = await createTempDatabase(process.env.TEST_DATABASE_URL!);
    await seedDemoWithScript(database.url);
    server = await startServer({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('is healthy and ana logs in', async () => {
    expect(server!.dataDir).toBeUndefined();
    await expectAnaLogsIn(server!);
  });
});
