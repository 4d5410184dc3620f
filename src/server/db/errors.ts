// Classifies database errors: unreachable (→ 503, client retries later) and transient
// concurrency failures (→ retried inside the server a bounded number of times).
const UNAVAILABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH']);

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : undefined;
}

/** Drizzle wraps driver errors; look at the whole cause chain. */
function* chain(e: unknown): Generator<unknown> {
  let cur: unknown = e;
  for (let i = 0; i < 8 && cur; i++) {
    yield cur;
    cur = typeof cur === 'object' && cur !== null ? (cur as { cause?: unknown }).cause : undefined;
  }
}

export function isDatabaseUnavailable(e: unknown): boolean {
  for (const err of chain(e)) {
    const code = codeOf(err);
    if (code && (UNAVAILABLE_NET.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300'))
      return true;
    const msg = err instanceof Error ? err.message : '';
    if (/Connection terminated|timeout exceeded when trying to connect|PGlite is closed|database closed|Client has encountered a connection error/i.test(msg))
      return true;
    if (err instanceof AggregateError && err.errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

/** Serialization failure or deadlock: safe to run the whole transaction again. */
export function isRetryableTransactionError(e: unknown): boolean {
  for (const err of chain(e)) {
    const code = codeOf(err);
    if (code === '40001' || code === '40P01') return true;
  }
  return false;
}

/** Text PostgreSQL cannot store (U+0000, bad encoding): the client's input, not a server fault. */
export function isUnstorableText(e: unknown): boolean {
  for (const err of chain(e)) {
    const code = codeOf(err);
    if (code === '22P05' || code === '22021') return true;
  }
  return false;
}
