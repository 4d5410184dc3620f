// Runs a transaction again after a serialization failure or deadlock, a bounded number of
// times with short jittered sleeps; anything else, or the last failure, is thrown.
import { isRetryableTransactionError } from '../../db/errors';

export interface RetryOptions {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 5,
  baseDelayMs: 5,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= opts.attempts || !isRetryableTransactionError(e)) throw e;
      // Equal jitter: between half and all of base * 2^(attempt-1).
      const d = opts.baseDelayMs * 2 ** (attempt - 1);
      await opts.sleep(d / 2 + (opts.random() * d) / 2);
    }
  }
}
