// Against the real server process with a small heap: floods of
// small bodies that inflate into millions of values, stalled connections holding bodies, and
// the small defects (malformed %-escape, TRACE, a token whose subject is no UUID, lone
// surrogates). The process must stay up and answer every one of them in the JSON error body.
import net from 'node:net';
import zlib from 'node:zlib';
import { SignJWT } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_ENTITIES } from '../seed/demo';
import { type HostileServer, describeEachServer, loginAs } from './harness';

const JWT_SECRET = 'hostile-suite-secret-hostile-suite-secret-0123';
const USERS = ['ana@demo.fieldsync', 'ben@demo.fieldsync', 'cora@demo.fieldsync', 'admin@demo.fieldsync'];
const MiB = 1024 * 1024;

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code, retryAfter: res.headers.get('retry-after') };
}

function push(server: HostileServer, token: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Answer> {
  return fetch(`${server.url}/api/v1/sync/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  }).then(answer);
}

const hlc = () => `${new Date().toISOString()}-0000-hostile`;

function oneChange(): string {
  const id = crypto.randomUUID();
  return JSON.stringify({
    deviceId: 'hostile',
    changes: [
      { changeId: crypto.randomUUID(), type: 'assessment', action: 'create', recordId: id, entityId: DEMO_ENTITIES.campNorth.id, baseVersion: 0, hlc: hlc(), data: { title: 'after the flood' } },
    ],
  });
}

describeEachServer('bounded memory', { heapMb: 160, maxLifetimeMs: 240_000, env: { FIELDSYNC_JWT_SECRET: JWT_SECRET } }, (server, database) => {
  let tokens: string[];
  beforeAll(async () => {
    tokens = [];
    for (const email of USERS) tokens.push(await loginAs(server().url, email));
  });

  it('stays up under concurrent 2 KB gzip pushes that inflate to 2 MiB of empty arrays, and then takes a normal push', async () => {
    const count = database === 'postgres' ? 160 : 500;
    const inflated = `{"deviceId":"hostile","changes":[${'[],'.repeat(Math.floor((2 * MiB - 100) / 3) - 1)}[]]}`;
    expect(inflated.length).toBeLessThanOrEqual(2 * MiB);
    const bomb = zlib.gzipSync(inflated, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(4 * 1024);
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) => push(server(), tokens[i % tokens.length]!, new Uint8Array(bomb), { 'content-encoding': 'gzip' }).catch((e: unknown) => ({ status: 0, code: String(e), retryAfter: null }))),
    );
    expect(server().alive(), server().output()).toBe(true);
    for (const a of answers) {
      expect([413, 429, 503], JSON.stringify(a)).toContain(a.status);
      expect(a.code).toMatch(/^(PAYLOAD_TOO_LARGE|RATE_LIMITED|UNAVAILABLE)$/);
      if (a.status !== 413) expect(a.retryAfter).toMatch(/^\d+$/);
    }
    // Some were parsed far enough to be refused for their values, not only turned away.
    expect(answers.some((a) => a.status === 413)).toBe(true);

    const after = await push(server(), tokens[0]!, oneChange());
    expect(after.status).toBe(200);
  });

  it('answers 400 stalled bearer-less bodies at once, without holding them, and still answers health', async () => {
    const connections = 400;
    const declared = 500 * 1024;
    const sent = Buffer.alloc(490 * 1024, 0x20);
    const before = server().rssBytes()!;
    const sockets: net.Socket[] = [];
    try {
      const heads = await Promise.all(
        Array.from(
          { length: connections },
          () =>
            new Promise<string>((resolve) => {
              const socket = net.connect(server().port, '127.0.0.1');
              sockets.push(socket);
              let got = '';
              socket.on('data', (d: Buffer) => {
                got += d.toString('latin1');
                if (got.includes('\r\n')) resolve(got.slice(0, got.indexOf('\r\n')));
              });
              socket.on('error', () => resolve(got || 'error'));
              socket.on('close', () => resolve(got || 'closed'));
              socket.write(`POST /api/v1/sync/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
              socket.write(sent);
            }),
        ),
      );
      for (const h of heads) expect(h).toBe('HTTP/1.1 401 Unauthorized');
      const health = await fetch(`${server().url}/api/v1/health`);
      expect(health.status).toBe(200);
      const grown = server().rssBytes()! - before;
      // The bodies sent add up to ~190 MiB; none of it may stay in the process.
      expect(grown).toBeLessThan(96 * MiB);
    } finally {
      for (const s of sockets) s.destroy();
    }
    expect(server().alive(), server().output()).toBe(true);
  });

  it('answers a malformed %-escape 400 and TRACE 405 in the JSON error body', async () => {
    for (const path of ['/api/v1/%', '/api/v1/sync/%E0%A4%A']) {
      const a = await fetch(`${server().url}${path}`).then(answer);
      expect([a.status, a.code], path).toEqual([400, 'BAD_REQUEST']);
    }
    // fetch cannot send TRACE: a raw request.
    const head = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server().port, '127.0.0.1', () => socket.write('TRACE /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(head).toMatch(/content-type: application\/json/i);
    expect(head).toContain('"METHOD_NOT_ALLOWED"');
  });

  it('answers a validly signed token whose subject is 36 dashes 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('-'.repeat(36))
      .setIssuer('fieldsync')
      .setAudience('fieldsync-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    for (const path of ['/api/v1/sync/pull', '/api/v1/sync/status']) {
      const a = await fetch(`${server().url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(answer);
      expect([a.status, a.code], path).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('refuses lone surrogates in login and admin input with 400 VALIDATION, and invalid UTF-8 with 400', async () => {
    const post = (path: string, body: BodyInit, token?: string) =>
      fetch(`${server().url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      }).then(answer);
    const login = await post('/api/v1/auth/login', JSON.stringify({ email: 'ana@demo.fieldsync', password: 'fieldsync-demo\ud800' }));
    expect([login.status, login.code]).toEqual([400, 'VALIDATION']);
    const admin = tokens[3]!;
    for (const body of [
      { email: 'new1@demo.fieldsync', name: 'New \udc00', role: 'field_worker', password: 'long enough password' },
      { email: 'new2@demo.fieldsync', name: 'New', role: 'field_worker', password: 'long enough \ud83d' },
    ]) {
      const a = await post('/api/v1/admin/users', JSON.stringify(body), admin);
      expect([a.status, a.code], JSON.stringify(body)).toEqual([400, 'VALIDATION']);
    }
    const notUtf8 = new Uint8Array([...new TextEncoder().encode('{"email":"ana@demo.fieldsync","password":"'), 0xc3, 0x28, 0x22, 0x7d]);
    const bad = await post('/api/v1/auth/login', notUtf8 as BodyInit);
    expect([bad.status, bad.code]).toEqual([400, 'BAD_REQUEST']);
    expect(server().alive()).toBe(true);
  });
});
