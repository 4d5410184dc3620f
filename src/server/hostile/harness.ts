// The hostile-suite harness: the real API server as a child process, so a test can do what an
// attacker does (floods, stalled sockets, bodies that inflate) and see whether the process
// survives, with a heap limit low enough that a missing bound shows as a crash.
//
//   import { describeEachServer, loginAs } from './harness';
//
//   describeEachServer('push floods', { heapMb: 160, env: { FIELDSYNC_MAX_IN_FLIGHT: '64' } }, (server) => {
//     it('stays up', async () => {
//       const token = await loginAs(server().url, 'ana@demo.fieldsync');
//       ... fetch(`${server().url}/api/v1/sync/batch`, ...) ...
//       expect(server().alive()).toBe(true);
//     });
//   });
//
// - The server is src/server/node/api-main.ts (createHttpServer + runtime.ts's `route`, no
//   Next.js, so no build) run as `node --max-old-space-size=<heapMb> --import tsx`, on a free
//   port of 127.0.0.1, with demo users seeded.
// - Database: a new PGlite folder in a temporary directory, or a new PostgreSQL database created
//   on TEST_DATABASE_URL's server and dropped by stop(). describeEachServer runs the suite on
//   both; without TEST_DATABASE_URL the PostgreSQL half does not run, and says so loudly.
// - The child is killed by stop(), when the test process exits, and after `maxLifetimeMs`
//   whatever happens (it runs under coreutils `timeout`), so it never outlives the test run.
// - Hostile tests are named `*.hostile.test.ts` beside this file; they run in the `unit` project:
//   TEST_DATABASE_URL=postgres://… npx vitest run --project unit src/server/hostile
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { DEMO_PASSWORD } from '../seed/demo';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const ENTRY = path.join(ROOT, 'src', 'server', 'node', 'api-main.ts');
const OUTPUT_KEPT = 64 * 1024;

export type ServerDatabase = 'pglite' | 'postgres';

export interface HarnessOptions {
  /** `postgres` needs TEST_DATABASE_URL (an admin URL: a database is created on its server). */
  database?: ServerDatabase;
  /** With `postgres`: an existing database to use (several servers on one), not dropped by stop(). */
  databaseUrl?: string;
  /** --max-old-space-size of the server process, in MB. */
  heapMb?: number;
  /** More environment variables for the server (limits, log level). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** The server is killed after this long whatever happens. */
  maxLifetimeMs?: number;
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly database: ServerDatabase;
  /** What the server printed so far (the last 64 KiB), for failure messages. */
  output(): string;
  /** Whether the server process is still running. */
  alive(): boolean;
  /** Resident memory of the server's node process, in bytes (Linux /proc), or null once gone. */
  rssBytes(): number | null;
  /** Sends `signal` to the server (through `timeout`, which passes it on). */
  kill(signal: NodeJS.Signals): void;
  /** The server's exit code once it has exited (null when a signal ended it). */
  exitCode(): Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

export async function startHostileServer(opts: HarnessOptions = {}): Promise<HostileServer> {
  const database = opts.database ?? 'pglite';
  const port = await freePort();
  const dataDir = database === 'pglite' ? await mkdtemp(path.join(os.tmpdir(), 'fieldsync-hostile-')) : undefined;
  const pgDb =
    database !== 'postgres' ? undefined : opts.databaseUrl ? { url: opts.databaseUrl, drop: () => Promise.resolve() } : await createPostgresDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env, FIELDSYNC_LOG_LEVEL: 'warn', ...opts.env };
  delete env.DATABASE_URL;
  if (dataDir) env.FIELDSYNC_DATA_DIR = dataDir;
  if (pgDb) {
    env.DATABASE_URL = pgDb.url;
    env.FIELDSYNC_DEMO = '1';
  }
  const lifetimeS = Math.ceil((opts.maxLifetimeMs ?? 300_000) / 1000);
  const nodeArgs = [`--max-old-space-size=${opts.heapMb ?? 512}`, '--import', 'tsx', ENTRY, '--port', String(port), '--hostname', '127.0.0.1'];
  const child = spawn('timeout', ['--kill-after=5', String(lifetimeS), process.execPath, ...nodeArgs], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > OUTPUT_KEPT * 2) out = out.slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exitedWith = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const exited = exitedWith.then(() => {});
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (alive()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    await pgDb?.drop().catch(() => {});
  };

  const server: HostileServer = {
    url,
    port,
    database,
    output: () => out.slice(-OUTPUT_KEPT),
    alive,
    rssBytes: () => (child.pid === undefined ? null : rssOfChild(child.pid)),
    kill: (signal) => void child.kill(signal),
    exitCode: () => exitedWith,
    stop,
  };
  try {
    await waitForHealth(server, opts.readyTimeoutMs ?? 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return server;
}

/**
 * Runs `suite` against a server on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set
 * (else warns that half of it did not run). The server starts in beforeAll, stops in afterAll.
 */
export function describeEachServer(
  title: string,
  opts: Omit<HarnessOptions, 'database'>,
  suite: (server: () => HostileServer, database: ServerDatabase) => void,
): void {
  const databases: ServerDatabase[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.TEST_DATABASE_URL)
    console.warn(`\n!!! hostile suite "${title}": TEST_DATABASE_URL is unset, the PostgreSQL half DID NOT RUN !!!\n`);
  for (const database of databases) {
    describe(`${title} (${database})`, () => {
      let started: HostileServer | undefined;
      beforeAll(async () => {
        started = await startHostileServer({ ...opts, database });
      }, (opts.readyTimeoutMs ?? 60_000) + 10_000);
      afterAll(async () => {
        await started?.stop();
      });
      suite(() => {
        if (!started) throw new Error('the hostile server did not start');
        return started;
      }, database);
    });
  }
}

/** A bearer token for a demo user (password DEMO_PASSWORD). */
export async function loginAs(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

async function waitForHealth(server: HostileServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!server.alive()) throw new Error(`the hostile server exited before it was ready:\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}/api/v1/health`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the hostile server was not healthy within ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A new database on TEST_DATABASE_URL's server, as db/test-databases.ts makes them. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('a PostgreSQL hostile server needs TEST_DATABASE_URL');
  const name = `fs_hostile_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name} template template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** VmRSS of the node process under `timeout` (its only child), in bytes. */
function rssOfChild(timeoutPid: number): number | null {
  try {
    const children = readFileSync(`/proc/${timeoutPid}/task/${timeoutPid}/children`, 'utf8').trim().split(/\s+/);
    const pid = children[0];
    if (!pid) return null;
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
