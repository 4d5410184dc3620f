// One contract for every rate-limit store: the same decisions as the pure GCRA step, atomic
// under concurrency, refunds, separate keys. PostgreSQL runs when TEST_DATABASE_URL is set,
// Redis when REDIS_URL or TEST_REDIS_URL is set.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type GcraPolicy, gcraConsume } from '@/core/gcra';
import { rows } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { memoryStore } from './memory-store';
import { postgresStore } from './postgres-store';
import { redisStore } from './redis-store';
import type { LimitStore } from './store';

interface StoreFactory {
  readonly name: string;
  create(): Promise<{ store: LimitStore; storedKeys?: () => Promise<number>; close(): Promise<void> }>;
}

const factories: StoreFactory[] = [
  { name: 'memory', create: async () => ({ store: memoryStore(), close: async () => {} }) },
  ...testDatabases().map((db) => ({
    name: `postgres store on ${db.name}`,
    create: async () => {
      const database = await db.create();
      const store = postgresStore(database.db);
      return {
        store,
        storedKeys: async () => Number((await rows<{ n: number }>(database.db, sql`select count(*)::int as n from rate_limits`))[0]!.n),
        close: () => database.close(),
      };
    },
  })),
];
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
if (redisUrl) {
  factories.push({
    name: 'redis',
    create: async () => {
      const store = redisStore(redisUrl);
      return { store, close: () => store.close() };
    },
  });
} else {
  console.warn('\n*** REDIS_URL / TEST_REDIS_URL unset: the Redis rate-limit store is NOT tested ***\n');
}
if (!process.env.TEST_DATABASE_URL) console.warn('\n*** TEST_DATABASE_URL unset: the PostgreSQL rate-limit store runs on PGlite only ***\n');

const T0 = 1_800_000_000_000_000;
// Redis is shared between runs: keys of this run only.
const RUN = `contract-${randomBytes(6).toString('hex')}:`;

describe.each(factories)('rate-limit store: $name', (factory) => {
  const opened: Array<{ close(): Promise<void> }> = [];
  const open = async () => {
    const s = await factory.create();
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it('decides as the pure GCRA step does, for any sequence of consumes and refunds', async () => {
    const { store } = await open();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        async (steps) => {
          const key = `${RUN}model:${randomBytes(6).toString('hex')}`;
          const policy: GcraPolicy = { burst: 5, intervalUs: 100_000 };
          let tat: number | undefined;
          let now = T0;
          for (const [gapMs, cost, refund] of steps) {
            now += gapMs * 1000;
            const expected = gcraConsume(tat, now, cost, policy);
            const got = await store.consume(key, now, cost, policy);
            expect(got).toEqual(expected.allowed ? { allowed: true } : { allowed: false, retryAfterUs: expected.retryAfterUs });
            if (expected.allowed) {
              tat = expected.tat;
              if (refund) {
                await store.refund(key, now, cost, policy);
                tat -= cost * policy.intervalUs;
              }
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('admits exactly the burst of 50 concurrent consumes of one key', async () => {
    const { store } = await open();
    const policy = { burst: 10, intervalUs: 60_000_000 };
    const results = await Promise.all(Array.from({ length: 50 }, () => store.consume(`${RUN}concurrent`, T0, 1, policy)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('keeps keys apart', async () => {
    const { store } = await open();
    const policy = { burst: 1, intervalUs: 1_000_000 };
    expect((await store.consume(`${RUN}a`, T0, 1, policy)).allowed).toBe(true);
    expect((await store.consume(`${RUN}a`, T0, 1, policy)).allowed).toBe(false);
    expect((await store.consume(`${RUN}b`, T0, 1, policy)).allowed).toBe(true);
  });

  it('drops the state of keys whose budget is whole again', async () => {
    const { store, storedKeys } = await open();
    const policy = { burst: 2, intervalUs: 1_000_000 };
    for (let i = 0; i < 20; i++) await store.consume(`${RUN}idle:${i}`, T0, 1, policy);
    // The next consume a while later sweeps (the PostgreSQL store in the background).
    await store.consume(`${RUN}late`, T0 + 120_000_000, 1, policy);
    if (storedKeys) await expect.poll(storedKeys).toBe(1);
  });
});
