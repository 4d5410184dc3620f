// Rate-limit state in this process's memory: for the embedded (single-process) server and
// tests. Keys whose budget is whole again are dropped now and then, so a flood of distinct
// keys (addresses, emails) holds memory only while their budgets are spent.
import { gcraConsume, gcraRefund } from '@/core/gcra';
import { type LimitStore, SWEEP_EVERY_US } from './store';

export function memoryStore(): LimitStore {
  const tats = new Map<string, number>();
  let lastSweep = 0;
  const sweep = (nowUs: number) => {
    if (nowUs - lastSweep < SWEEP_EVERY_US) return;
    lastSweep = nowUs;
    for (const [key, tat] of tats) if (tat <= nowUs) tats.delete(key);
  };
  return {
    consume: async (key, nowUs, cost, policy) => {
      sweep(nowUs);
      const d = gcraConsume(tats.get(key), nowUs, cost, policy);
      if (!d.allowed) return { allowed: false, retryAfterUs: d.retryAfterUs };
      tats.set(key, d.tat);
      return { allowed: true };
    },
    refund: async (key, nowUs, cost, policy) => {
      const next = gcraRefund(tats.get(key), nowUs, cost, policy);
      if (next === undefined) tats.delete(key);
      else tats.set(key, next);
    },
    close: async () => {
      tats.clear();
    },
  };
}
