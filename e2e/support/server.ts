// For end-to-end tests: the built app, started the way `npm start` starts it (scripts/start.mjs,
// which runs the server bundle in its own process: the API on Node's http server, the UI by
// Next.js), on a free port of 127.0.0.1, with a fresh embedded database in a temporary folder
// (or the DATABASE_URL given). Resolves once GET /api/v1/health answers 200.
//
//   const server = await startServer();            // embedded PGlite, demo users
//   await fetch(`${server.url}/api/v1/health`);
//   await server.stop();                            // in afterAll
//
// Builds first when .next/ is stale (scripts/build-if-needed.mjs; `npm run test:e2e` has built
// already). The server is killed on stop(), when the test process exits, and in any case after
// `maxLifetimeMs`, so it never outlives the test run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface StartOptions {
  /** PostgreSQL to use; unset means a new embedded PGlite database in a temporary folder. */
  databaseUrl?: string;
  /** More environment variables for the server (e.g. FIELDSYNC_LOGIN_FAILURES_PER_ACCOUNT). */
  env?: Record<string, string>;
  /** How long to wait for health; the first start migrates and seeds. */
  readyTimeoutMs?: number;
  /** The server is killed after this long whatever happens. */
  maxLifetimeMs?: number;
  /** `--hostname` for the server; 127.0.0.1 unless given. */
  hostname?: string;
}

export interface StartedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The embedded database's folder, when there is one. */
  readonly dataDir: string | undefined;
  /** What the server printed so far (the last 64 KiB), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Runs a command in the repo, resolving with its output, rejecting on a non-zero exit. */
export function runInRepo(cmd: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? code}):\n${out}`));
    });
  });
}

/** Builds when .next/ is stale, once per test file: servers started later reuse that build,
 * so a source edited mid-run (by someone else in the tree) does not rebuild under a test. */
let built: Promise<string> | undefined;
export async function ensureBuilt(): Promise<void> {
  built ??= runInRepo(process.execPath, ['scripts/build-if-needed.mjs']);
  await built;
}

export async function startServer(opts: StartOptions = {}): Promise<StartedServer> {
  await ensureBuilt();
  const port = await freePort();
  const dataDir = opts.databaseUrl ? undefined : await mkdtemp(path.join(os.tmpdir(), 'fieldsync-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    FIELDSYNC_LOG_LEVEL: process.env.FIELDSYNC_LOG_LEVEL ?? 'warn',
    DATABASE_URL: opts.databaseUrl,
    FIELDSYNC_DATA_DIR: dataDir,
    ...opts.env,
  };
  // Vitest's own variables would silence the server's logger.
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  if (!opts.databaseUrl) delete env.DATABASE_URL;

  const child = spawn(process.execPath, ['scripts/start.mjs', '--hostname', opts.hostname ?? '127.0.0.1'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() ends the server and anything it spawned
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const kill = (signal: NodeJS.Signals) => {
    if (running && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  const lifetime = setTimeout(() => kill('SIGKILL'), opts.maxLifetimeMs ?? 15 * 60_000);
  lifetime.unref();

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    clearTimeout(lifetime);
    process.removeListener('exit', onExit);
    kill('SIGTERM');
    const forced = setTimeout(() => kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, opts.readyTimeoutMs ?? 90_000, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, dataDir, output: () => output, stop };
}

/** Resolves once `url`/api/v1/health answers 200; rejects when `child` exits first or `timeoutMs` passes. */
export async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not healthy within ${timeoutMs} ms (last: ${last}):\n${output()}`);
}
