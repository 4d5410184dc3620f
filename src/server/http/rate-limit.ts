// One named budget (a GCRA policy) over a rate-limit store: consume answers 429 RATE_LIMITED
// with a whole-second Retry-After when the budget is spent. A cost larger than the whole burst
// is charged as the burst, so that a request of the largest size always passes on a full budget.
import { type GcraPolicy, retryAfterSeconds } from '@/core/gcra';
import type { Clock } from '../clock';
import type { LimitOutcome, LimitStore } from '../limits/store';
import { rateLimited } from './api-error';

export class Limiter {
  constructor(
    private readonly store: LimitStore,
    /** Keeps the budgets apart in the store: `login-account:`, `sync:`… */
    private readonly name: string,
    readonly policy: GcraPolicy,
    private readonly clock: Clock,
  ) {}

  /** Spends `cost` units of `key`'s budget; throws 429 when they are not there. */
  async consume(key: string, cost = 1): Promise<void> {
    const outcome = await this.tryConsume(key, cost);
    if (!outcome.allowed) throw rateLimited(retryAfterSeconds(outcome.retryAfterUs));
  }

  tryConsume(key: string, cost = 1): Promise<LimitOutcome> {
    const units = this.units(cost);
    if (units === 0) return Promise.resolve({ allowed: true });
    return this.store.consume(`${this.name}:${key}`, this.clock.now() * 1000, units, this.policy);
  }

  /** Gives back what a consume of `cost` spent. */
  async refund(key: string, cost = 1): Promise<void> {
    const units = this.units(cost);
    if (units > 0) await this.store.refund(`${this.name}:${key}`, this.clock.now() * 1000, units, this.policy);
  }

  /** Makes `key`'s budget whole again. */
  async clear(key: string): Promise<void> {
    await this.refund(key, this.policy.burst);
  }

  private units(cost: number): number {
    return Math.min(Math.max(0, Math.ceil(cost)), this.policy.burst);
  }
}
