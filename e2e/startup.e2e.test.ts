// The built app starts with each database and a demo user logs in over real HTTP; the README's
// commands work as written on a fresh clone; `npm start`'s safe defaults hold.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginResponseSchema } from '@/protocol/auth';
import { ErrorBodySchema } from '@/protocol/errors';
import { ALLOW_DEMO_REMOTE, REFUSED_EXIT_CODE } from '../scripts/demo-exposure.mjs';
import { freshClone } from './support/fresh-clone';
import { type TempDatabase, createTempDatabase, seedDemoWithScript } from './support/postgres';
import { ROOT, type StartedServer, freePort, startServer, waitForHealth } from './support/server';

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

async function expectAnaLogsIn(server: StartedServer) {
  const health = await fetch(`${server.url}/api/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });
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

  it("adds a user, a site and an assignment with docs/protocol.md's curl commands, as written", async () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'protocol.md'), 'utf8');
    const script = doc.match(/```sh\n([\s\S]*?)```/)![1]!;
    expect(script).toContain('BASE=http://127.0.0.1:3000/api/v1');
    const output = await new Promise<string>((resolve, reject) => {
      const bash = spawn('bash', ['-euo', 'pipefail', '-c', script.replace('127.0.0.1:3000', `127.0.0.1:${server.port}`)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      bash.stdout.on('data', (d: Buffer) => (out += d.toString()));
      bash.stderr.on('data', (d: Buffer) => (out += d.toString()));
      bash.on('error', reject);
      bash.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the commands failed (${code}):\n${out}`))));
    });
    const res = await login(server.url, 'dina@example.org', 'a long password');
    expect(res.status, output).toBe(200);
    const { token } = LoginResponseSchema.parse(await res.json());
    const pulled = await fetch(`${server.url}/api/v1/sync/pull`, { headers: { authorization: `Bearer ${token}` } });
    expect(pulled.status).toBe(200);
    expect(((await pulled.json()) as { entities: Array<{ name: string }> }).entities.map((e) => e.name)).toEqual(['Hillside Camp']);
  });

  it("counts failed logins per client address: the socket's, whatever X-Forwarded-For claims", async () => {
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
    // Without FIELDSYNC_TRUST_PROXY the server reads the hop it appended from the socket, so a
    // header the client wrote itself changes nothing (src/server/auth/client-address.ts).
    expect((await attempt('ben@demo.fieldsync', 'fieldsync-demo', '127.0.0.1')).status).toBe(429);
    expect((await attempt('ben@demo.fieldsync', 'fieldsync-demo', '203.0.113.1')).status).toBe(429);
  });
});

/** The environment of a server started as a person would: no test settings, no Vitest. */
function plainEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  for (const k of ['VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'HOST', 'DATABASE_URL', 'FIELDSYNC_DATA_DIR', ALLOW_DEMO_REMOTE])
    if (!(k in extra)) delete env[k];
  return env;
}

/** `node scripts/start.mjs ...args` in this checkout, to its exit. */
function runStart(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: ROOT, env: plainEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** An IPv4 address of this machine other than loopback, if it has one. */
function lanAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the README's commands on a fresh clone", () => {
  it('npm start builds, creates the database, listens on 127.0.0.1 only, lets ana log in, and stops when npm is stopped', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks[0], 'the first command block of the README').toBe('npm install\nnpm start');
    expect(blocks[1], 'the second command block of the README').toBe('npm test');
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.test).toMatch(/test:e2e/);

    const clone = await freshClone();
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: clone.dir,
      env: plainEnv({ PORT: String(port), FIELDSYNC_LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the test can tell when all of it is gone
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-64 * 1024));
    npm.stdout.on('data', keep);
    npm.stderr.on('data', keep);
    const groupAlive = () => {
      try {
        process.kill(-npm.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(url, npm, 15 * 60_000, () => output);
      expect(output).toMatch(/first start: building the app/);
      expect(output).toMatch(/creating the embedded database in data\/pglite/);
      await until('the start script says the database is ready', () => /database ready/.test(output), 60_000);
      expect(existsSync(path.join(clone.dir, 'data', 'pglite'))).toBe(true);

      const res = await login(url, 'ana@demo.fieldsync', 'fieldsync-demo');
      expect(res.status, output).toBe(200);
      const lan = lanAddress();
      if (lan) expect(await accepts(lan, port), `listening on ${lan} too`).toBe(false);

      process.kill(npm.pid!, 'SIGTERM'); // npm alone, as `kill <pid of npm start>` does
      await until('the port is free', async () => !(await accepts('127.0.0.1', port)), 15_000);
      await until('every process of npm start has exited', () => !groupAlive(), 15_000);
    } finally {
      if (groupAlive()) process.kill(-npm.pid!, 'SIGKILL');
      await clone.remove();
    }
  }, 20 * 60_000);
});

describe('safe defaults of npm start', () => {
  it('refuses to serve the demo users beyond loopback, before building or creating anything', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-e2e-refused-'));
    try {
      const env = { FIELDSYNC_DATA_DIR: path.join(dataDir, 'db') };
      for (const [args, extra] of [[['--hostname', '0.0.0.0'], {}], [[], { HOST: '0.0.0.0' }], [['-H', '::'], {}]] as const) {
        const { code, output } = await runStart([...args], { ...env, ...extra });
        expect(code, output).toBe(REFUSED_EXIT_CODE);
        expect(output).toMatch(/refusing to listen on .* with the demo users/);
        expect(output).toContain(`${ALLOW_DEMO_REMOTE}=1`);
      }
      expect(existsSync(env.FIELDSYNC_DATA_DIR)).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it(`serves them on every interface when ${ALLOW_DEMO_REMOTE}=1`, async () => {
    const server = await startServer({ hostname: '0.0.0.0', env: { [ALLOW_DEMO_REMOTE]: '1' } });
    try {
      const lan = lanAddress();
      const res = await login(lan ? `http://${lan}:${server.port}` : server.url, 'ana@demo.fieldsync', 'fieldsync-demo');
      expect(res.status, server.output()).toBe(200);
    } finally {
      await server.stop();
    }
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

  it('refuses every interface while the database holds demo users', async () => {
    const { code, output } = await runStart(['--hostname', '0.0.0.0', '--port', String(await freePort())], { DATABASE_URL: database.url });
    expect(code, output).toBe(REFUSED_EXIT_CODE);
  });
});
