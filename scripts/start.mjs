// `npm start`: builds when the build is missing or stale (build-if-needed.mjs), then runs the
// built server (the API on Node's http server, the UI by Next.js) in this same process, so a
// signal to it reaches the server with nothing in between. Extra arguments go to the server,
// e.g. `npm start -- --hostname 0.0.0.0 --port 8080`; it listens on 127.0.0.1:3000 by default.
// Without DATABASE_URL the server uses the embedded PGlite database in ./data/pglite
// (FIELDSYNC_DATA_DIR), created with the demo users, which are refused beyond loopback
// (demo-exposure.mjs).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfNeeded, buildReason } from './build-if-needed.mjs';
import { demoRefusal, postgresHasDemoUsers, REFUSED_EXIT_CODE } from './demo-exposure.mjs';
import { listenAddress, SERVER_BUNDLE } from './server-command.mjs';

const root = process.cwd();
const args = process.argv.slice(2);
const say = (line) => console.warn(`fieldsync: ${line}`);

// npm runs this through `sh -c`, and on SIGTERM npm signals only that shell, which exits and
// leaves us running. So under npm, the parent going away (this process's parent changes) stops
// the server as SIGTERM does. A server started with plain `node` is left to its supervisor.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    say('npm has stopped: stopping the server');
    process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

const { hostname, port } = listenAddress(args, process.env);
const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = path.resolve(process.env.FIELDSYNC_DATA_DIR || path.join(root, 'data', 'pglite'));
const newDatabase = !databaseUrl && !existsSync(dataDir);
let built;
try {
  const demoUsers = databaseUrl ? await postgresHasDemoUsers(databaseUrl).catch(() => false) : true;
  const refusal = demoRefusal({ hostname, demoUsers, env: process.env });
  if (refusal) {
    console.error(refusal);
    process.exit(REFUSED_EXIT_CODE);
  }
  if (buildReason(root) === 'no build yet') say('first start: building the app once (next build, then the server bundle); this takes a few minutes');
  built = await buildIfNeeded(root);
  if (!existsSync(path.join(root, SERVER_BUNDLE))) throw new Error(`${SERVER_BUNDLE} is missing after the build`);
} catch (e) {
  console.error(`fieldsync: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
// The bundler's service process is not needed once the bundle is written.
if (built) (await import('esbuild')).stop();

if (newDatabase) say(`creating the embedded database in ${path.relative(root, dataDir) || dataDir} with the demo users; this takes some seconds`);
process.argv = [process.argv[0], path.join(root, SERVER_BUNDLE), ...args];
await import(pathToFileURL(path.join(root, SERVER_BUNDLE)).href);

// The server opens (and on first start creates) the database on its first request: make that
// request now, so the first person to open the app does not wait for it.
const probeHost = hostname === undefined || hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname.includes(':') ? `[${hostname}]` : hostname;
for (let i = 0; i < 240; i++) {
  const status = await fetch(`http://${probeHost}:${port}/api/v1/health`, { signal: AbortSignal.timeout(60_000) }).then(
    (r) => r.status,
    () => 0,
  );
  if (status === 200) {
    if (newDatabase) say('database ready; log in as ana@demo.fieldsync with password fieldsync-demo (README "Demo logins")');
    break;
  }
  if (status !== 0 && status !== 503) break; // answered: the server logs what is wrong
  await new Promise((r) => setTimeout(r, 500));
}
