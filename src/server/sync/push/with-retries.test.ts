import { describe, expect, it } from 'vitest';
import { withRetries } from './with-retries';

const serialization = () => Object.assign(new Error('could not serialize access'), { code: '40001' });
const deadlock = () => new Error('wrapped', { cause: Object.assign(new Error('deadlock detected'), { code: '40P01' }) });

describe('retrying a batch transaction', () => {
  const sleeps: number[] = [];
  const opts = { attempts: 5, baseDelayMs: 10, random: () => 0.5, sleep: async (ms: number) => void sleeps.push(ms) };

  it('runs again after serialization failures (a batch race is one) and deadlocks, bare or wrapped, with growing jittered sleeps', async () => {
    sleeps.length = 0;
    const failures = [serialization(), deadlock(), new Error('wrapped', { cause: serialization() })];
    const out = await withRetries(async (attempt) => {
      const f = failures.shift();
      if (f) throw f;
      return attempt;
    }, opts);
    expect(out).toBe(4);
    expect(sleeps).toEqual([7.5, 15, 30]);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw serialization();
      }, opts),
    ).rejects.toMatchObject({ code: '40001' });
    expect(calls).toBe(5);
  });

  it('never retries other errors', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw Object.assign(new Error('unique violation'), { code: '23505' });
      }, opts),
    ).rejects.toThrow('unique violation');
    expect(calls).toBe(1);
  });
});
