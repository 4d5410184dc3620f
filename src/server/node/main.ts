// The production server: `node .next/fieldsync/server.mjs` (bundled from this file by
// scripts/build-if-needed.mjs; what `npm start` runs). One process, one port: the API answered
// by Node's http server (http-server.ts), pages, assets and the service worker by Next.js as a
// custom server, sharing one API instance (runtime.ts). Options: server-options.ts.
import './production-env';
import { configFromEnv } from '../config';
import { createLogger } from '../log';
import { drain, route, shutdown } from '../runtime';
import { drainOnSignals } from './graceful-shutdown';
import { createHttpServer } from './http-server';
import { serverOptions } from './server-options';

let options;
try {
  options = serverOptions(process.argv.slice(2), process.env);
} catch (e) {
  console.error(`fieldsync: ${e instanceof Error ? e.message : String(e)} (options: --port/-p N, --hostname/-H HOST)`);
  process.exit(2);
}
const { port, hostname } = options;

const started = Date.now();
// Loaded after production-env.ts has run: Next.js and React read NODE_ENV as they load.
const { default: next } = await import('next');
const app = next({ dev: false, dir: process.cwd(), ...(hostname ? { hostname } : {}), port });
await app.prepare();

const config = configFromEnv();
const log = createLogger();
const server = createHttpServer({ api: route, next: app.getRequestHandler(), log, timeouts: config, draining: () => drain.draining });
server.on('error', (e) => {
  console.error(`fieldsync: the server failed: ${e.message}`);
  process.exit(1);
});
drainOnSignals({
  server,
  drain,
  graceMs: config.shutdownGraceSeconds * 1000,
  log,
  close: async () => {
    await app.close();
    await shutdown();
  },
});
server.listen(port, hostname, () => {
  const address = server.address();
  const shown = typeof address === 'object' && address ? address.port : port;
  const host = !hostname || hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  // The one line a person starting the server reads, whatever FIELDSYNC_LOG_LEVEL says (as `next start` prints its own).
  process.stdout.write(`fieldsync: ready on http://${host}:${shown} in ${Date.now() - started} ms (API on Node's http server, UI by Next.js)\n`);
});
