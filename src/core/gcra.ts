// GCRA, the generic cell rate algorithm: a token bucket kept as one number per key, the
// "theoretical arrival time" (tat). Each unit of cost moves tat on by `intervalUs`; a request
// is admitted while tat stays within `burst` intervals of now. It is a sliding limit: over ANY
// window of W microseconds at most `burst + W / intervalUs` units are admitted, and from an
// empty state `burst` units pass at once. Times are whole microseconds, so the arithmetic is
// exact and the same in JavaScript, SQL and Lua (the stores repeat this step atomically).
//
//   empty (tat ≤ now) ──consume──▶ tat = max(tat, now) + cost·interval   if ≤ now + burst·interval
//                                  unchanged, retry after the excess     otherwise

export interface GcraPolicy {
  /** Units admitted at once from an empty state. */
  readonly burst: number;
  /** Microseconds one unit of cost takes to be paid back. */
  readonly intervalUs: number;
}

export type GcraDecision =
  | { readonly allowed: true; readonly tat: number }
  | { readonly allowed: false; readonly tat: number | undefined; readonly retryAfterUs: number };

/** One consume of `cost` units at `nowUs` on a key whose state is `tat` (undefined: never seen). */
export function gcraConsume(tat: number | undefined, nowUs: number, cost: number, policy: GcraPolicy): GcraDecision {
  const next = Math.max(tat ?? nowUs, nowUs) + cost * policy.intervalUs;
  const limit = nowUs + policy.burst * policy.intervalUs;
  if (next <= limit) return { allowed: true, tat: next };
  return { allowed: false, tat, retryAfterUs: next - limit };
}

/** Gives `cost` units back (an attempt that turned out not to count); undefined means empty. */
export function gcraRefund(tat: number | undefined, nowUs: number, cost: number, policy: GcraPolicy): number | undefined {
  if (tat === undefined) return undefined;
  const next = tat - cost * policy.intervalUs;
  return next > nowUs ? next : undefined;
}

/**
 * The policy for "at most `maxPerWindow` in any window of `windowSeconds`, `burst` of them at
 * once": the sustained rate is what the burst leaves of the window's budget, with the interval
 * rounded up so the promise holds exactly. A burst of the whole budget (or more) leaves no
 * sustained rate; then the budget refills once per window and up to twice it can pass in a window.
 */
export function windowPolicy(maxPerWindow: number, windowSeconds: number, burst: number): GcraPolicy {
  const b = Math.min(burst, maxPerWindow);
  const sustained = maxPerWindow - b > 0 ? maxPerWindow - b : maxPerWindow;
  return { burst: b, intervalUs: Math.ceil((windowSeconds * 1_000_000) / sustained) };
}

/** Whole seconds to wait, at least 1, as Retry-After says them. */
export function retryAfterSeconds(retryAfterUs: number): number {
  return Math.max(1, Math.ceil(retryAfterUs / 1_000_000));
}
