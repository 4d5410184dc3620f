import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@/protocol/errors';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { type TestServer, createTestServer } from '../test-server';
import { signToken } from './jwt';

// Every way a bearer token can be wrong, against an authenticated endpoint (admin create
// entity): each is 401 UNAUTHENTICATED with WWW-Authenticate, and nothing is created.
describe.each(testDatabases())('bearer tokens on $name', (factory) => {
  let database: Database;
  let server: TestServer;
  let adminId: string;
  let adminToken: string;
  beforeAll(async () => {
    database = await factory.create();
    server = await createTestServer(database);
    adminToken = await server.token('admin@demo.fieldsync');
    adminId = JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString()).sub as string;
  });
  afterAll(async () => {
    await database.close();
  });

  const createEntity = (authorization: string | undefined, name = 'Token Test Site') =>
    server.api.adminCreateEntity(
      new Request('http://test/api/v1/admin/entities', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify({ name, kind: 'camp' }),
      }),
    );

  async function expectUnauthenticated(authorization: string | undefined) {
    const res = await createEntity(authorization, 'must not exist');
    expect(res.status, authorization).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('UNAUTHENTICATED');
  }

  const claims = () =>
    new SignJWT({ role: 'admin' })
      .setSubject(adminId)
      .setIssuer(server.ctx.tokens.issuer)
      .setAudience(server.ctx.tokens.audience)
      .setIssuedAt(Math.floor(server.clock.now() / 1000))
      .setExpirationTime(Math.floor(server.clock.now() / 1000) + 3600);

  it('accepts the token login gave (the control case)', async () => {
    expect((await createEntity(`Bearer ${adminToken}`)).status).toBe(201);
  });

  it('refuses a missing token', async () => {
    await expectUnauthenticated(undefined);
  });

  it('refuses malformed headers and tokens', async () => {
    for (const h of ['', 'Bearer', 'Bearer ', `Basic ${adminToken}`, `bearer${adminToken}`, 'Bearer a.b', 'Bearer not a token', 'Bearer a.b.c', `Bearer ${adminToken}x.y`])
      await expectUnauthenticated(h);
  });

  it('refuses a token signed with another key', async () => {
    const forged = await claims().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-0123456789'));
    await expectUnauthenticated(`Bearer ${forged}`);
  });

  it('refuses alg: none', async () => {
    const unsigned = new UnsecuredJWT({ role: 'admin' })
      .setSubject(adminId)
      .setIssuer(server.ctx.tokens.issuer)
      .setAudience(server.ctx.tokens.audience)
      .setExpirationTime(Math.floor(server.clock.now() / 1000) + 3600)
      .encode();
    expect(unsigned.endsWith('.')).toBe(true);
    await expectUnauthenticated(`Bearer ${unsigned}`);
  });

  it('refuses another algorithm with the same secret (HS512)', async () => {
    const other = await claims().setProtectedHeader({ alg: 'HS512' }).sign(server.ctx.tokens.key);
    await expectUnauthenticated(`Bearer ${other}`);
  });

  it('refuses a wrong audience or issuer', async () => {
    const wrongAud = await signToken({ ...server.ctx.tokens, audience: 'some-other-api' }, { id: adminId, role: 'admin' }, server.clock.now());
    await expectUnauthenticated(`Bearer ${wrongAud.token}`);
    const wrongIss = await signToken({ ...server.ctx.tokens, issuer: 'someone-else' }, { id: adminId, role: 'admin' }, server.clock.now());
    await expectUnauthenticated(`Bearer ${wrongIss.token}`);
  });

  it('refuses a token for a user that does not exist', async () => {
    const ghost = await signToken(server.ctx.tokens, { id: '0193a000-0000-7000-8000-0000000000ff', role: 'admin' }, server.clock.now());
    await expectUnauthenticated(`Bearer ${ghost.token}`);
  });

  it('refuses a validly signed token whose subject is not a UUID (36 dashes) with 401, not 500', async () => {
    for (const id of ['-'.repeat(36), 'g193a000-0000-7000-8000-0000000000ff', '0193a0000-000-7000-8000-0000000000ff']) {
      const odd = await signToken(server.ctx.tokens, { id, role: 'admin' }, server.clock.now());
      await expectUnauthenticated(`Bearer ${odd.token}`);
    }
  });

  it('refuses an expired token (the clock moved past exp)', async () => {
    const local = await createTestServer(database, { tokenTtlSeconds: 60 });
    const token = await local.token('admin@demo.fieldsync');
    const call = () =>
      local.api.adminCreateEntity(
        new Request('http://test/api/v1/admin/entities', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: 'Expiry Site', kind: 'camp' }),
        }),
      );
    local.clock.advance(59_000);
    expect((await call()).status).toBe(201);
    local.clock.advance(2_000);
    const res = await call();
    expect(res.status).toBe(401);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('UNAUTHENTICATED');
  });

  it('created nothing for any refused token', async () => {
    const names = (await database.db.query.entities.findMany()).map((e) => e.name);
    expect(names).not.toContain('must not exist');
  });
});
