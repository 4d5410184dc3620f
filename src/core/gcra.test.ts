import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GcraPolicy, gcraConsume, gcraRefund, retryAfterSeconds, windowPolicy } from './gcra';

const policyArb = fc.record({ burst: fc.integer({ min: 1, max: 50 }), intervalUs: fc.integer({ min: 1, max: 1_000_000 }) });
/** Requests as (gap since the previous one, cost). */
const requestsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 1, max: 5 })), { maxLength: 200 });

function run(policy: GcraPolicy, requests: ReadonlyArray<readonly [number, number]>) {
  let tat: number | undefined;
  let now = 1_000_000_000;
  const admitted: Array<{ at: number; cost: number }> = [];
  for (const [gap, cost] of requests) {
    now += gap;
    const d = gcraConsume(tat, now, Math.min(cost, policy.burst), policy);
    if (d.allowed) {
      admitted.push({ at: now, cost: Math.min(cost, policy.burst) });
      tat = d.tat;
    }
  }
  return admitted;
}

describe('GCRA', () => {
  it('admits no more than burst + rate·W over any window of W, wherever it starts', () => {
    fc.assert(
      fc.property(policyArb, requestsArb, fc.integer({ min: 0, max: 10_000_000 }), (policy, requests, w) => {
        const admitted = run(policy, requests);
        // The worst windows start at an admission.
        for (const start of admitted) {
          const inWindow = admitted.filter((a) => a.at >= start.at && a.at <= start.at + w).reduce((n, a) => n + a.cost, 0);
          expect(inWindow).toBeLessThanOrEqual(policy.burst + Math.floor(w / policy.intervalUs));
        }
      }),
    );
  });

  it('admits a full burst at once from an empty state', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        const admitted = run(policy, Array.from({ length: policy.burst + 1 }, () => [0, 1] as const));
        expect(admitted).toHaveLength(policy.burst);
      }),
    );
  });

  it('leaves the state unchanged when it denies, and says how long until the same request passes', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 1, max: 50 }), (policy, now, ahead, cost) => {
        const tat = now + ahead;
        const d = gcraConsume(tat, now, cost, policy);
        if (d.allowed) return;
        expect(d.tat).toBe(tat);
        expect(d.retryAfterUs).toBeGreaterThan(0);
        expect(gcraConsume(tat, now + d.retryAfterUs - 1, cost, policy).allowed).toBe(false);
        if (cost <= policy.burst) expect(gcraConsume(tat, now + d.retryAfterUs, cost, policy).allowed).toBe(true);
      }),
    );
  });

  it('a refund after a consume restores the same decisions as if the consume never happened', () => {
    fc.assert(
      fc.property(policyArb, fc.option(fc.integer({ min: 0, max: 10 ** 8 }), { nil: undefined }), fc.integer({ min: 1, max: 50 }), (policy, ahead, cost) => {
        const now = 10 ** 12;
        const tat = ahead === undefined ? undefined : now + ahead;
        const d = gcraConsume(tat, now, cost, policy);
        if (!d.allowed) return;
        const back = gcraRefund(d.tat, now, cost, policy);
        for (const probe of [1, policy.burst]) {
          expect(gcraConsume(back, now, probe, policy).allowed).toBe(gcraConsume(tat, now, probe, policy).allowed);
        }
      }),
    );
  });

  it('an idle key is as good as a new one once a full burst of intervals has passed', () => {
    const policy = { burst: 3, intervalUs: 1000 };
    let tat: number | undefined;
    for (let i = 0; i < 3; i++) {
      const d = gcraConsume(tat, 0, 1, policy);
      expect(d.allowed).toBe(true);
      if (d.allowed) tat = d.tat;
    }
    expect(gcraConsume(tat, 0, 1, policy)).toEqual({ allowed: false, tat: 3000, retryAfterUs: 1000 });
    expect(gcraConsume(tat, 1000, 1, policy).allowed).toBe(true);
    expect(gcraConsume(tat, 3000, 3, policy).allowed).toBe(true);
  });

  it('configured as the protocol says: at least 100 at once and no more than 1,200 in any minute', () => {
    const policy = windowPolicy(1200, 60, 100);
    expect(policy.burst).toBe(100);
    expect(policy.burst + Math.floor(60_000_000 / policy.intervalUs)).toBeLessThanOrEqual(1200);
    // A client sending as fast as allowed across two minutes: any minute holds at most 1,200.
    const admitted = run(policy, Array.from({ length: 6000 }, () => [20_000, 1] as const));
    for (const a of admitted) expect(admitted.filter((b) => b.at >= a.at && b.at <= a.at + 60_000_000).length).toBeLessThanOrEqual(1200);
    expect(admitted.filter((a) => a.at <= admitted[0]!.at + 60_000_000).length).toBeGreaterThan(1100);
  });

  it('keeps a small budget usable: a burst of the whole budget refills once per window', () => {
    expect(windowPolicy(3, 60, 100)).toEqual({ burst: 3, intervalUs: 20_000_000 });
  });

  it('says Retry-After in whole seconds, at least 1', () => {
    expect([1, 999_999, 1_000_000, 1_000_001].map(retryAfterSeconds)).toEqual([1, 1, 1, 2]);
  });
});
