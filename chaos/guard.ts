// The harness's own failure paths: whatever ends a run early (a hang past the hard timeout, a
// signal, an error nobody caught) prints why and exits non-zero. Exiting runs the `exit` hooks
// of instances.ts and postgres-cluster.ts, which kill every server and stop the cluster.

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export const EXIT = { failed: 1, harness: 2, timeout: 3, signal: 4 } as const;

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

let installed = false;

/** Installs the process-wide handlers once; `label` names the run in every message. */
export function guardProcess(label: string, hardTimeoutMs: number): void {
  if (installed) return;
  installed = true;
  const die = (code: number, why: string) => {
    process.stderr.write(`\n${label} FAILED: ${why}\n`);
    process.exit(code);
  };
  process.on('unhandledRejection', (e) => die(EXIT.harness, `an unhandled rejection in the harness: ${describe(e)}`));
  process.on('uncaughtException', (e) => die(EXIT.harness, `an uncaught exception in the harness: ${describe(e)}`));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => die(EXIT.signal, `stopped by ${sig}; servers and the cluster are stopped`));
  setTimeout(
    () => die(EXIT.timeout, `hard timeout: still running after ${Math.round(hardTimeoutMs / 1000)} s; servers and the cluster are stopped, no report`),
    hardTimeoutMs,
  ).unref();
}

/** `p`, or a HarnessError naming `what` when it takes longer than `ms` (a hang shows where it is). */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HarnessError(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
