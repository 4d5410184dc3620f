// The SIGTERM drain of the real API server process (hostile/harness.ts), on PGlite and, when
// TEST_DATABASE_URL is set, PostgreSQL: what PROTOCOL "Operations" promises, seen from outside.
import http from 'node:http';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_ENTITIES } from '../seed/demo';
import { stamp } from '../sync/pull/test-fixtures';
import { type ServerDatabase, loginAs, startHostileServer } from '../hostile/harness';

const databases: ServerDatabase[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
if (!process.env.TEST_DATABASE_URL) console.warn('\n!!! graceful-shutdown: TEST_DATABASE_URL is unset, the PostgreSQL half DID NOT RUN !!!\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection to the server, to hold it open (idle or mid-request) across the signal. */
async function connect(port: number): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => data, closed };
}

/** 'connected', or the error code of a new connection to the server. */
function newConnection(port: number): Promise<string | undefined> {
  return connect(port).then(
    (c) => {
      c.socket.destroy();
      return 'connected';
    },
    (e: unknown) => (e as { code?: string }).code,
  );
}

/** A push whose body is sent in two halves, `between` running after the first. */
function slowPush(port: number, token: string, between: () => Promise<void>): Promise<{ status: number; connection: string | undefined; body: string }> {
  const body = JSON.stringify({
    deviceId: 'dev_drain',
    changes: [{ changeId: randomUUID(), type: 'assessment', action: 'create', recordId: randomUUID(), entityId: DEMO_ENTITIES.campNorth.id, baseVersion: 0, hlc: stamp('dev_drain'), data: { title: 'drain' } }],
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/v1/sync/batch', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    void between().then(() => req.end(body.slice(half)), reject);
  });
}

describe.each(databases)('SIGTERM drains the server on %s', (database) => {
  it('finishes the push in flight, answers health 503 and closes idle connections, refuses new ones, closes the pool and exits 0', async () => {
    const server = await startHostileServer({ database, env: { FIELDSYNC_LOG_LEVEL: 'info', FIELDSYNC_SHUTDOWN_GRACE_SECONDS: '20' } });
    try {
      const token = await loginAs(server.url, 'ana@demo.fieldsync');
      // An idle kept-alive connection: one request answered, then nothing.
      const idle = await connect(server.port);
      idle.socket.write('GET /api/v1/health/live HTTP/1.1\r\nHost: t\r\n\r\n');
      await expect.poll(() => idle.received()).toContain('200 OK');
      // A health check whose headers are not finished when the signal comes.
      const probe = await connect(server.port);
      probe.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n');

      const push = slowPush(server.port, token, async () => {
        await sleep(100);
        server.kill('SIGTERM');
        // New connections (not fetch: it could reuse one of its pool) are refused once the signal is taken.
        await expect.poll(() => newConnection(server.port), { timeout: 10_000 }).toBe('ECONNREFUSED');
        await idle.closed;
        probe.socket.write('\r\n');
        await probe.closed;
      });
      const pushed = await push;
      expect(pushed.status, pushed.body).toBe(200);
      expect(pushed.connection).toBe('close');
      expect(JSON.parse(pushed.body)).toMatchObject({ failed: [], conflicts: [] });
      expect(probe.received()).toMatch(/^HTTP\/1\.1 503 /);
      expect(probe.received().toLowerCase()).toContain('connection: close');
      expect(await server.exitCode(), server.output()).toBe(0);
      expect(server.output()).toContain('database closed');
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('cuts a request still in flight when the grace is over, and still exits 0', async () => {
    const server = await startHostileServer({ database, env: { FIELDSYNC_SHUTDOWN_GRACE_SECONDS: '1' } });
    try {
      const token = await loginAs(server.url, 'ana@demo.fieldsync');
      const stalled = await connect(server.port);
      stalled.socket.write(`POST /api/v1/sync/batch HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"deviceId"`);
      await sleep(100);
      const signalled = Date.now();
      server.kill('SIGTERM');
      expect(await server.exitCode(), server.output()).toBe(0);
      const took = Date.now() - signalled;
      expect(took).toBeGreaterThanOrEqual(900);
      expect(took).toBeLessThan(8_000);
      await stalled.closed;
    } finally {
      await server.stop();
    }
  }, 90_000);
});
