// `npm start`: builds when the build is missing or stale (build-if-needed.mjs), then runs the
// built server (server-command.mjs: the API on Node's http server, the UI by Next.js, in one
// process) on $PORT (default 3000). Extra arguments go to the server, e.g.
// `npm start -- --hostname 127.0.0.1`. Without DATABASE_URL the server uses the embedded
// PGlite database in ./data/pglite (FIELDSYNC_DATA_DIR), created with the demo users.
import { spawn } from 'node:child_process';
import { buildIfNeeded } from './build-if-needed.mjs';
import { serverCommand } from './server-command.mjs';

const root = process.cwd();
let command;
try {
  await buildIfNeeded(root);
  command = serverCommand(root, { port: process.env.PORT || '3000' }, process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

const child = spawn(command.command, command.args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
