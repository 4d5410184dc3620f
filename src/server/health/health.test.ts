import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HealthResponseSchema } from '@/protocol/status';
import { createApi } from '../api';
import { testConfig } from '../config';
import { createContext } from '../context';
import { openDatabase } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { createTestServer } from '../test-server';

const get = () => new Request('http://test/api/v1/health');

/** A port on 127.0.0.1 that nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe.each(testDatabases())('health on $name', (factory) => {
  it('is 200 ok while the database answers, 503 down once it is stopped', async () => {
    const database = await factory.create();
    const server = await createTestServer(database);
    try {
      const up = await server.api.health(get());
      expect(up.status).toBe(200);
      const body = HealthResponseSchema.strict().parse(await up.json());
      expect(body).toMatchObject({ status: 'ok', db: 'ok' });
      // PGlite has one connection: nothing can hold its feed back. PostgreSQL reports a real age.
      if (factory.name === 'pglite') expect(body.feedLagSeconds).toBe(0);
      else expect(body.feedLagSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      await database.close();
    }
    const down = await server.api.health(get());
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toEqual({ status: 'unavailable', db: 'down' });
  });
});

describe.each(testDatabases())('readiness and liveness on $name', (factory) => {
  it('answers health 503 unavailable once the instance drains, while liveness stays 200', async () => {
    const database = await factory.create();
    try {
      const server = await createTestServer(database);
      expect((await server.api.health(get())).status).toBe(200);
      await server.ctx.drain.begin();
      const draining = await server.api.health(get());
      expect(draining.status).toBe(503);
      expect(HealthResponseSchema.strict().parse(await draining.json())).toEqual({ status: 'unavailable', db: 'ok' });
      const live = await server.api.healthLive(new Request('http://test/api/v1/health/live'));
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });
    } finally {
      await database.close();
    }
  });

  it('answers liveness 200 with the database gone', async () => {
    const database = await factory.create();
    const server = await createTestServer(database);
    await database.close();
    expect((await server.api.health(get())).status).toBe(503);
    expect((await server.api.healthLive(new Request('http://test/api/v1/health/live'))).status).toBe(200);
  });
});

describe('health with PostgreSQL unreachable', () => {
  it('is 503 down, quickly, when nothing listens on the database port', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/fieldsync`;
    const database = await openDatabase({ url });
    try {
      const api = createApi(await createContext({ database, config: testConfig({ databaseUrl: url }) }));
      const started = Date.now();
      const res = await api.health(get());
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', db: 'down' });
      expect(Date.now() - started).toBeLessThan(3_500);
      // Other endpoints answer 503 UNAVAILABLE with Retry-After too, never 500.
      const login = await api.login(
        new Request('http://test/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'ana@demo.fieldsync', password: 'fieldsync-demo' }),
        }),
      );
      expect(login.status).toBe(503);
      expect(login.headers.get('retry-after')).toBe('5');
      expect(((await login.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    } finally {
      await database.close();
    }
  });
});
