import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@/protocol/errors';
import { LoginResponseSchema } from '@/protocol/auth';
import type { ApiName } from '../api';
import type { Database } from '../db/database';
import { testDatabases } from '../db/test-databases';
import type { Handler } from '../http/handler';
import { createLogger } from '../log';
import { DEMO_PASSWORD } from '../seed/demo';
import { type TestServer, createTestServer } from '../test-server';
import { createHttpServer } from './http-server';
import { type Listening, type RawResponse, listen, send } from './http-test-kit';

/** A stand-in for Next.js that says which request it got. */
async function fakeNext(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/next-fails') throw new Error('next failed');
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`next: ${req.method} ${req.url}`);
}

const errorCode = (r: RawResponse) => ErrorBodySchema.parse(JSON.parse(r.body.toString())).error.code;

describe.each(testDatabases())('the Node http server on $name', (factory) => {
  let database: Database;
  let api: TestServer;
  let server: Listening;
  let url: string;
  beforeAll(async () => {
    database = await factory.create();
    api = await createTestServer(database);
    const handlers = api.api as Record<ApiName, Handler>;
    const boom: Handler = async () => {
      throw new Error('handler failed');
    };
    // `syncStatus` throws here, as a handler that escaped its error wrapper would.
    const pick = (name: ApiName): Handler => (name === 'syncStatus' ? boom : handlers[name]);
    server = await listen(createHttpServer({ api: pick, next: fakeNext, log: createLogger('silent') }));
    url = server.url;
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('answers the API from its handlers', async () => {
    const res = await send(`${url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 'ok', db: 'ok' });
  });

  it('passes request bodies and headers through: login, then an authenticated pull, gzipped', async () => {
    const login = await send(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@demo.fieldsync', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = LoginResponseSchema.parse(JSON.parse(login.body.toString()));
    const pull = await send(`${url}/api/v1/sync/pull?limit=10`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
    expect(pull.status).toBe(200);
    const body = JSON.parse((pull.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(pull.body) : pull.body).toString()) as { changes: unknown[] };
    expect(Array.isArray(body.changes)).toBe(true);
  });

  it('answers a wrong method 405 and an unknown path 404, in the JSON error body', async () => {
    const wrong = await send(`${url}/api/v1/sync/batch`);
    expect([wrong.status, errorCode(wrong)]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    const dynamic = await send(`${url}/api/v1/admin/users/u1/assignments`, { method: 'POST', headers: { 'content-length': '0' } });
    expect([dynamic.status, errorCode(dynamic)]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    const unknown = await send(`${url}/api/v2/sync/batch`, { method: 'DELETE' });
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'NOT_FOUND']);
  });

  it('answers HEAD like GET without a body, and OPTIONS with the allowed methods', async () => {
    const head = await send(`${url}/api/v1/health`, { method: 'HEAD' });
    expect([head.status, head.headers['content-type'], head.body.length]).toEqual([200, 'application/json; charset=utf-8', 0]);
    const options = await send(`${url}/api/v1/sync/batch`, { method: 'OPTIONS' });
    expect([options.status, options.headers.allow]).toEqual([204, 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']);
  });

  it('gives Next.js everything else: pages, assets, /api itself, and paths it redirects', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/serwist/sw.js'],
      ['GET', '/manifest.webmanifest'],
      ['GET', '/api'],
      ['GET', '/api/'],
      ['POST', '/api/v1/health/'],
      ['GET', '/api//v1/health'],
    ] as const) {
      const res = await send(`${url}${path}`, { method });
      expect(res.body.toString(), `${method} ${path}`).toBe(`next: ${method} ${path}`);
    }
  });

  it('answers every API response with the security headers, Next.js answers with none of them', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/health'],
      ['GET', '/api/v1/nope'],
      ['OPTIONS', '/api/v1/health'],
      ['GET', '/api/v1/%'],
    ] as const) {
      const res = await send(`${url}${path}`, { method });
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    }
    expect((await send(`${url}/`)).headers['x-frame-options']).toBeUndefined();
  });

  it('answers a malformed percent-escape 400 and TRACE 405 in the JSON error body, never a plain 500', async () => {
    for (const path of ['/api/v1/%', '/api/v1/%zz', '/api/%E0%A4%A/x']) {
      const res = await send(`${url}${path}`);
      expect([res.status, errorCode(res)], path).toEqual([400, 'BAD_REQUEST']);
    }
    for (const method of ['TRACE', 'PROPFIND']) {
      const res = await send(`${url}/api/v1/health`, { method });
      expect([res.status, errorCode(res), res.headers.allow], method).toEqual([405, 'METHOD_NOT_ALLOWED', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']);
    }
    const decoded = await send(`${url}/api/v1/%68ealth`);
    expect(decoded.status).toBe(200);
  });

  it('answers the JSON 500 when a handler throws, and goes on serving', async () => {
    const res = await send(`${url}/api/v1/sync/status`);
    expect([res.status, errorCode(res)]).toEqual([500, 'INTERNAL']);
    expect((await send(`${url}/api/v1/health`)).status).toBe(200);
  });

  it('answers a plain 500 when Next.js fails, as next start did, and goes on serving', async () => {
    const res = await send(`${url}/next-fails`);
    expect([res.status, res.body.toString()]).toEqual([500, 'Internal Server Error']);
    expect((await send(`${url}/`)).status).toBe(200);
  });
});

describe('the Node http server timeouts', () => {
  it('sets the headers, request and keep-alive timeouts it is given', () => {
    const server = createHttpServer({
      api: () => async () => new Response(null),
      next: fakeNext,
      log: createLogger('silent'),
      timeouts: { headersTimeoutMs: 11_000, requestTimeoutMs: 99_000, keepAliveTimeoutMs: 65_000 },
    });
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([11_000, 99_000, 65_000]);
  });
});

describe('the Node http server in a drain', () => {
  it('keeps connections alive until the drain, then answers with Connection: close', async () => {
    let draining = false;
    const server = await listen(
      createHttpServer({ api: () => async () => new Response('{}'), next: fakeNext, log: createLogger('silent'), draining: () => draining }),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await send(`${server.url}/api/v1/health`, { agent });
      expect(before.headers.connection).toBe('keep-alive');
      draining = true;
      const during = await send(`${server.url}/api/v1/health`, { agent });
      expect(during.reusedSocket).toBe(true);
      expect(during.headers.connection).toBe('close');
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
