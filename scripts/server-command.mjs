// How to run the built app (`npm start`, the end-to-end tests, the benchmarks): node on the
// server bundle that build-if-needed.mjs writes, which serves the API from Node's http server
// and the UI through Next.js in the same process (src/server/node/main.ts). A checkout from
// before that server (bench --app-dir) has no main.ts, and runs with `next start` as it did.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const SERVER_BUNDLE = path.join('.next', 'fieldsync', 'server.mjs');

/**
 * The command and arguments that start the app built in `root`; `port` and `hostname` become
 * `--port` and `--hostname` (unset: the server's defaults, PORT or 3000, HOST or 127.0.0.1), `extra` follows.
 */
export function serverCommand(root, { port, hostname } = {}, extra = []) {
  const args = [...(port !== undefined ? ['--port', String(port)] : []), ...(hostname !== undefined ? ['--hostname', hostname] : []), ...extra];
  if (!existsSync(path.join(root, 'src', 'server', 'node', 'main.ts'))) {
    const nextBin = createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
    return { command: process.execPath, args: [nextBin, 'start', ...args] };
  }
  const bundle = path.join(root, SERVER_BUNDLE);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`node scripts/build-if-needed.mjs\` in ${root}`);
  return { command: process.execPath, args: [bundle, ...args] };
}

/**
 * Where the server will listen, read from its arguments and environment as
 * src/server/node/server-options.ts reads them (a test holds the two together), without
 * refusing anything: the server itself reports bad options. `hostname` undefined: every interface.
 */
export function listenAddress(args, env) {
  const { values } = parseArgs({
    args: [...args],
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
    strict: false,
    allowPositionals: true,
  });
  const hostname = typeof values.hostname === 'string' ? values.hostname : (env.HOST ?? '127.0.0.1');
  const port = Number(typeof values.port === 'string' ? values.port : (env.PORT ?? 3000));
  return { hostname: hostname === '' ? undefined : hostname, port };
}
