// The API alone, without Next.js: `node --import tsx src/server/node/api-main.ts --port N
// --hostname H`. The same http server and API handlers as main.ts (createHttpServer with the real
// `route` of runtime.ts); what main.ts gives Next.js answers 404 JSON here, so no build is needed.
// For hostile tests (src/server/hostile/harness.ts) and anything else that wants the real server
// process. FIELDSYNC_DEMO=1 seeds the demo users into an empty PostgreSQL database (the embedded
// one is seeded by runtime.ts anyway).
import type { ServerResponse } from 'node:http';
import { configFromEnv } from '../config';
import { openDatabase } from '../db/database';
import { createLogger } from '../log';
import { drain, route, shutdown } from '../runtime';
import { isEmpty, seedDemo } from '../seed/demo';
import { drainOnSignals } from './graceful-shutdown';
import { createHttpServer } from './http-server';
import { serverOptions } from './server-options';

const { port, hostname } = serverOptions(process.argv.slice(2), process.env);
const config = configFromEnv();

if (config.databaseUrl && process.env.FIELDSYNC_DEMO === '1') {
  const database = await openDatabase({ url: config.databaseUrl, poolSize: 1 });
  try {
    await database.migrate();
    if (await isEmpty(database.db)) await seedDemo(database.db);
  } finally {
    await database.close();
  }
}

function notNext(_req: unknown, res: ServerResponse): Promise<void> {
  const body = JSON.stringify({ error: { code: 'NOT_FOUND', message: 'this server answers the API only' } });
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return Promise.resolve();
}

const log = createLogger();
const server = createHttpServer({ api: route, next: notNext, log, timeouts: config, draining: () => drain.draining });
server.on('error', (e) => {
  console.error(`fieldsync-api: the server failed: ${e.message}`);
  process.exit(1);
});
drainOnSignals({ server, drain, graceMs: config.shutdownGraceSeconds * 1000, log, close: shutdown });
server.listen(port, hostname, () => {
  const address = server.address();
  const shown = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`fieldsync-api: ready on port ${shown}\n`);
});
