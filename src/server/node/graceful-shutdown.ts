// SIGTERM (and SIGINT) drain the instance, as PROTOCOL "Operations" says:
//
//   serving ──signal──▶ draining ──in flight done, or grace over──▶ closing ──▶ exit 0
//                          │
//   health 503 (drain.ts); the listener closed, so new connections are refused; idle kept-alive
//   connections closed, and each one that falls idle after its answer (API answers in the
//   drain say `Connection: close`); streams registered with the drain ended.
//
// Requests in flight get `graceMs` to finish; then their connections are cut. Closing is the
// caller's: Next.js, the rate-limit store and the database pool (runtime.ts `shutdown`).
// Signals after the first are ignored: one stop often arrives twice (Ctrl-C reaches npm and the
// server, which npm then signals again; `timeout` and some supervisors signal the process and
// its group), and the grace bounds the drain anyway. SIGKILL ends it at once.
import type { Server } from 'node:http';
import type { Drain } from '../health/drain';
import type { Logger } from '../log';

// How often connections that fell idle during the drain are closed.
const IDLE_SWEEP_MS = 100;
// Closing the pool and the store after the grace may take this long before the process gives up.
const CLOSE_TIMEOUT_MS = 10_000;

export interface DrainOptions {
  readonly server: Server;
  readonly drain: Drain;
  readonly graceMs: number;
  readonly log: Logger;
}

/** Drains `server`: resolves once every connection is closed (or cut at the end of the grace). */
export async function drainServer({ server, drain, graceMs, log }: DrainOptions): Promise<void> {
  const hooks = drain.begin();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => {
    log.warn({ graceMs }, 'drain grace over: cutting the connections still open');
    server.closeAllConnections();
  }, graceMs);
  try {
    await Promise.all([closed, hooks]);
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}

export interface SignalOptions extends DrainOptions {
  /** Runs once the server is drained: closes what the process holds open. */
  readonly close: () => Promise<void>;
}

export function drainOnSignals(opts: SignalOptions): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      opts.log.info({ signal, graceMs: opts.graceMs }, 'draining');
      setTimeout(() => {
        opts.log.error('the drain did not finish closing in time');
        process.exit(1);
      }, opts.graceMs + CLOSE_TIMEOUT_MS).unref();
      void drainServer(opts)
        .then(opts.close)
        .then(
          () => process.exit(0),
          (err: unknown) => {
            opts.log.error({ err }, 'closing after the drain failed');
            process.exit(1);
          },
        );
    });
  }
}
