// SIGTERM and SIGINT stop the server cleanly: no new connections, requests in flight finish,
// then `close` (Next.js) and exit with 128 + the signal's number, as `next start` exits. A
// second signal, or `graceMs` without the server closing, exits at once.
import type { Server } from 'node:http';
import os from 'node:os';

export function exitOnSignals(server: Server, close: () => Promise<void>, graceMs = 5_000): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      const code = 128 + os.constants.signals[signal];
      if (stopping) process.exit(code);
      stopping = true;
      setTimeout(() => process.exit(code), graceMs).unref();
      server.close(() => {
        void close()
          .catch(() => {})
          .finally(() => process.exit(code));
      });
      server.closeIdleConnections();
    });
  }
}
