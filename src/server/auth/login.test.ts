import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_TOKEN_HEADER, LoginResponseSchema } from '@/protocol/auth';
import { ErrorBodySchema } from '@/protocol/errors';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { DEMO_PASSWORD } from '../seed/demo';
import { type TestServer, createTestServer } from '../test-server';
import { authenticate } from './authenticate';

function loginRequest(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request('http://test/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(res: Response): Promise<{ status: number; code: string; body: unknown }> {
  const body: unknown = await res.json();
  return { status: res.status, code: ErrorBodySchema.parse(body).error.code, body };
}

describe.each(testDatabases())('login on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  beforeAll(async () => {
    database = await factory.create();
    // Limits high enough that these tests never meet them; the rate-limit tests make their own.
    server = await createTestServer(database, { loginFailuresPerAccount: 1000, loginFailuresPerAddress: 1000 });
  });
  afterAll(async () => {
    await database.close();
  });

  it('gives a token, its expiry and the user for the right password', async () => {
    const res = await server.api.login(loginRequest({ email: 'ana@demo.fieldsync', password: DEMO_PASSWORD }));
    expect(res.status).toBe(200);
    const body = LoginResponseSchema.parse(await res.json());
    expect(body.user).toMatchObject({ email: 'ana@demo.fieldsync', name: 'Ana Field', role: 'field_worker' });
    expect(Object.keys(body.user).sort()).toEqual(['email', 'id', 'name', 'role']);
    expect(Date.parse(body.expiresAt)).toBe(
      Math.floor(server.clock.now() / 1000) * 1000 + server.ctx.config.tokenTtlSeconds * 1000,
    );
    const caller = await authenticate(server.ctx, new Request('http://test/', { headers: { authorization: `Bearer ${body.token}` } }));
    expect(caller.id).toBe(body.user.id);
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const res = await server.api.login(loginRequest({ email: '  Ana@Demo.Fieldsync ', password: DEMO_PASSWORD }));
    expect(res.status).toBe(200);
  });

  it('gives the same 401 INVALID_CREDENTIALS for a wrong password and an unknown email', async () => {
    const wrong = await server.api.login(loginRequest({ email: 'ana@demo.fieldsync', password: 'not-the-password' }));
    const unknown = await server.api.login(loginRequest({ email: 'nobody@demo.fieldsync', password: DEMO_PASSWORD }));
    const a = await errorOf(wrong);
    const b = await errorOf(unknown);
    expect(a).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', body: expect.anything() });
    expect(b.body).toEqual(a.body);
    expect(b.status).toBe(a.status);
  });

  it('answers 401, not 500, for an email PostgreSQL cannot store (a NUL character)', async () => {
    const r = await errorOf(await server.api.login(loginRequest({ email: 'ana@demo.fieldsync\u0000', password: DEMO_PASSWORD })));
    expect(r).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('refuses unknown fields, missing fields and wrong types with 400 VALIDATION', async () => {
    for (const body of [
      { email: 'ana@demo.fieldsync', password: DEMO_PASSWORD, remember: true },
      { email: 'ana@demo.fieldsync' },
      { email: 42, password: DEMO_PASSWORD },
      [],
      'just a string',
    ]) {
      const r = await errorOf(await server.api.login(loginRequest(JSON.stringify(body))));
      expect(r, JSON.stringify(body)).toMatchObject({ status: 400, code: 'VALIDATION' });
    }
  });

  it('refuses a body that is not JSON with 400 BAD_REQUEST, and another content type with 415', async () => {
    expect(await errorOf(await server.api.login(loginRequest('{"email": ')))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await errorOf(await server.api.login(loginRequest('')))).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    const form = loginRequest('email=a&password=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(await errorOf(await server.api.login(form))).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses a body over the limit with 413 before parsing it, declared or streamed', async () => {
    const big = JSON.stringify({ email: 'ana@demo.fieldsync', password: 'x'.repeat(MAX_SMALL_BODY_BYTES) });
    expect(await errorOf(await server.api.login(loginRequest(big)))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    // No content-length: the limit is enforced while reading the stream.
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_SMALL_BODY_BYTES * 4) controller.close();
        else {
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        }
      },
    });
    const streamed = new Request('http://test/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(await errorOf(await server.api.login(streamed))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(sent).toBeLessThan(MAX_SMALL_BODY_BYTES * 4);
  });
});

describe.each(testDatabases())('login rate limits on $name', (factory) => {
  let database: Database;
  beforeAll(async () => {
    database = await factory.create();
  });
  afterAll(async () => {
    await database.close();
  });

  const attempt = (server: TestServer, email: string, password: string, address = '203.0.113.7') =>
    server.api.login(loginRequest({ email, password }, { 'x-forwarded-for': address }));

  it('answers 429 with Retry-After after repeated failures on one account, even for the right password', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 3, loginFailuresPerAddress: 1000, loginWindowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'ben@demo.fieldsync', 'wrong-password')).status).toBe(401);
    const blocked = await attempt(server, 'ben@demo.fieldsync', DEMO_PASSWORD, '198.51.100.1');
    expect(await errorOf(blocked.clone())).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // Other accounts are not affected.
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).status).toBe(200);
  });

  it('counts unknown emails like known ones', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 2, loginFailuresPerAddress: 1000 });
    for (let i = 0; i < 2; i++) expect((await attempt(server, 'ghost@demo.fieldsync', 'x')).status).toBe(401);
    expect((await attempt(server, 'ghost@demo.fieldsync', 'x')).status).toBe(429);
  });

  it('clears the account count on a success', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 3, loginFailuresPerAddress: 1000 });
    for (let i = 0; i < 2; i++) expect((await attempt(server, 'cora@demo.fieldsync', 'wrong')).status).toBe(401);
    expect((await attempt(server, 'cora@demo.fieldsync', DEMO_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'cora@demo.fieldsync', 'wrong')).status).toBe(401);
    expect((await attempt(server, 'cora@demo.fieldsync', DEMO_PASSWORD)).status).toBe(429);
  });

  it('limits failures per client address across accounts', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 1000, loginFailuresPerAddress: 3 });
    for (const email of ['a@x.test', 'b@x.test', 'c@x.test']) expect((await attempt(server, email, 'x', '192.0.2.5')).status).toBe(401);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD, '192.0.2.5')).status).toBe(429);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD, '192.0.2.6')).status).toBe(200);
  });

  it('lets the window pass', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 1, loginFailuresPerAddress: 1000, loginWindowSeconds: 1 });
    expect((await attempt(server, 'ana@demo.fieldsync', 'wrong')).status).toBe(401);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).status).toBe(429);
    server.clock.advance(1_000);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).status).toBe(200);
  });

  it('checks no more guesses than the budget holds when 200 arrive at once, the right password as the 200th included', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 10, loginFailuresPerAddress: 1000 });
    const guesses = Array.from({ length: 200 }, (_, i) => attempt(server, 'ben@demo.fieldsync', i === 199 ? DEMO_PASSWORD : `guess-${i}`));
    const statuses = await Promise.all(guesses.map(async (r) => (await r).status));
    // At most the budget's 10 are checked; the rest are refused before their check (429, or 503
    // from the bound on requests in flight), the right password among them.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429 || s === 503)).toBe(true);
    expect([429, 503]).toContain(statuses[199]);
  });

  it('gives a device token that lets its device in while strangers have locked the account out', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 3, loginFailuresPerAddress: 1000 });
    const first = LoginResponseSchema.parse(await (await attempt(server, 'cora@demo.fieldsync', DEMO_PASSWORD)).json());
    expect(first.deviceToken).toEqual(expect.any(String));
    for (let i = 0; i < 5; i++) await attempt(server, 'cora@demo.fieldsync', 'attacker-guess', '198.51.100.66');
    expect((await attempt(server, 'cora@demo.fieldsync', DEMO_PASSWORD)).status).toBe(429);
    const known = (password: string) =>
      server.api.login(loginRequest({ email: 'cora@demo.fieldsync', password }, { [DEVICE_TOKEN_HEADER]: first.deviceToken! }));
    // Her own typo counts against her device only; the right password gets in, and keeps the token.
    expect((await known('typo')).status).toBe(401);
    const again = await known(DEMO_PASSWORD);
    expect(again.status).toBe(200);
    expect(LoginResponseSchema.parse(await again.json()).deviceToken).toBe(first.deviceToken);
  });

  it('limits failures from a known device on its own budget', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 1000, loginFailuresPerAddress: 1000, loginFailuresPerDevice: 2 });
    const { deviceToken } = LoginResponseSchema.parse(await (await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).json());
    const known = (password: string) =>
      server.api.login(loginRequest({ email: 'ana@demo.fieldsync', password }, { [DEVICE_TOKEN_HEADER]: deviceToken! }));
    expect((await known('typo')).status).toBe(401);
    expect((await known('typo')).status).toBe(401);
    expect((await known(DEMO_PASSWORD)).status).toBe(429);
    // Without it, the account's budget still has room.
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).status).toBe(200);
  });

  it.each([
    ['a forged device token', () => 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged'],
    ['an access token', (t: { token: string }) => t.token],
    ['the device token of another account', (_: unknown, other: { deviceToken?: string | undefined }) => other.deviceToken!],
  ])('counts an attempt with %s against the account, as a stranger', async (_, pick) => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 1, loginFailuresPerAddress: 1000 });
    const mine = LoginResponseSchema.parse(await (await attempt(server, 'ben@demo.fieldsync', DEMO_PASSWORD)).json());
    const other = LoginResponseSchema.parse(await (await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).json());
    const header = { [DEVICE_TOKEN_HEADER]: pick(mine, other) };
    expect((await server.api.login(loginRequest({ email: 'ben@demo.fieldsync', password: 'x' }, header))).status).toBe(401);
    expect((await server.api.login(loginRequest({ email: 'ben@demo.fieldsync', password: DEMO_PASSWORD }, header))).status).toBe(429);
  });

  it('answers 503 with Retry-After when the password-check queue is full, and does not count that attempt', async () => {
    const server = await createTestServer(database, { loginFailuresPerAccount: 2, loginFailuresPerAddress: 1000, loginHashConcurrency: 1, loginHashQueue: 0 });
    const [a, b] = await Promise.all([attempt(server, 'ana@demo.fieldsync', 'wrong'), attempt(server, 'ana@demo.fieldsync', 'wrong')]);
    expect([a.status, b.status].sort()).toEqual([401, 503]);
    const busy = a.status === 503 ? a : b;
    expect(await errorOf(busy.clone())).toMatchObject({ code: 'UNAVAILABLE' });
    expect(busy.headers.get('retry-after')).toBe('1');
    // One failure counted of two: the right password still gets in.
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD)).status).toBe(200);
  });

  it('limits logins per client address before reading the user', async () => {
    const server = await createTestServer(database, { addressRequestsPerWindow: 3, addressBurst: 3 });
    for (let i = 0; i < 3; i++) expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD, '192.0.2.9')).status).toBe(200);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD, '192.0.2.9')).status).toBe(429);
    expect((await attempt(server, 'ana@demo.fieldsync', DEMO_PASSWORD, '192.0.2.10')).status).toBe(200);
  });
});
