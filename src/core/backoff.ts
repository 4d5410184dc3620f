// Exponential backoff with jitter for transient sync failures (docs/INVARIANTS.md #8).
// Pure: the random number comes in as an argument. A server's Retry-After always wins.
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** Upper bound of the computed delay (Retry-After is not capped by it). */
  readonly maxMs: number;
  /** Growth per retry. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, factor: 2 };

/** Retry-After is honoured up to this bound, so one bad header cannot stall sync for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * Delay before retry number `retry` (0 for the first retry). "Equal jitter": the delay is
 * uniformly spread over [d/2, d] where d = min(maxMs, baseMs * factor^retry), so retries of many
 * devices spread out but never come sooner than half the nominal delay.
 * `random` is a number in [0, 1). When the server sent Retry-After (seconds), that wins.
 */
export function backoffDelay(
  retry: number,
  random: number,
  retryAfterSeconds?: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0)
    return Math.min(Math.ceil(retryAfterSeconds * 1000), MAX_RETRY_AFTER_MS);
  const n = Math.max(0, Math.floor(retry));
  const nominal = Math.min(opts.maxMs, opts.baseMs * Math.pow(opts.factor, n));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(nominal / 2 + (nominal / 2) * r);
}

/** The nominal (jitter-free) ceiling of retry `retry`, for tests and for the UI's estimates. */
export function backoffCeiling(retry: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(opts.maxMs, opts.baseMs * Math.pow(opts.factor, Math.max(0, Math.floor(retry))));
}
