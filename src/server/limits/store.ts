// Where rate-limit state lives: one GCRA step (core/gcra.ts) per consume, done atomically by
// the store so that every server instance sharing it sees one budget. Memory for the embedded
// PGlite server and tests, PostgreSQL when the server runs on it, Redis when REDIS_URL is set.
import type { GcraPolicy } from '@/core/gcra';

export type LimitOutcome = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterUs: number };

export interface LimitStore {
  /** Spends `cost` units of `key` (cost ≤ policy.burst) or denies without changing anything. */
  consume(key: string, nowUs: number, cost: number, policy: GcraPolicy): Promise<LimitOutcome>;
  /** Gives back `cost` units spent earlier. */
  refund(key: string, nowUs: number, cost: number, policy: GcraPolicy): Promise<void>;
  close(): Promise<void>;
}

/** How often a store drops the state of keys whose budget is whole again. */
export const SWEEP_EVERY_US = 60_000_000;
