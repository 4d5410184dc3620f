// `npm start`: builds when .next/ is missing or stale (build-if-needed.mjs), then runs
// `next start` on $PORT (default 3000). Extra arguments go to `next start`, e.g.
// `npm start -- --hostname 127.0.0.1`. Without DATABASE_URL the server uses the embedded
// PGlite database in ./data/pglite (FIELDSYNC_DATA_DIR), created with the demo users.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = process.cwd();
try {
  await buildIfNeeded(root);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

const port = process.env.PORT || '3000';
const nextBin = createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [nextBin, 'start', '--port', port, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
