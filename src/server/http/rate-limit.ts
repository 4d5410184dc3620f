// Per-key request budgets (rate-limiter-flexible, in memory on one node). Exceeding one is
// 429 RATE_LIMITED with a whole-second Retry-After.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from './api-error';

export interface Limiter {
  /** Spends one point for `key`; throws 429 when the budget is spent. */
  consume(key: string): Promise<void>;
  /** Throws 429 when `key` has no points left, without spending one. */
  check(key: string): Promise<void>;
  reward(key: string): Promise<void>;
}

export function memoryLimiter(points: number, durationSeconds: number, blockSeconds = 0): Limiter {
  const rl = new RateLimiterMemory({ points, duration: durationSeconds, blockDuration: blockSeconds });
  const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    consume: async (key) => {
      try {
        await rl.consume(key);
      } catch (e) {
        if (e instanceof RateLimiterRes) throw rateLimited(retryAfter(e));
        throw e;
      }
    },
    check: async (key) => {
      const res = await rl.get(key);
      if (res && res.remainingPoints <= 0 && res.msBeforeNext > 0) throw rateLimited(retryAfter(res));
    },
    reward: async (key) => {
      await rl.delete(key);
    },
  };
}
