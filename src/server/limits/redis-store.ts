// Rate-limit state in Redis (REDIS_URL), shared by every instance: the GCRA step of
// core/gcra.ts as a Lua script, which Redis runs atomically. Each key expires when its budget
// is whole again, so Redis drops idle keys by itself.
import { Redis } from 'ioredis';
import { ApiError } from '../http/api-error';
import type { LimitStore } from './store';

/** Redis unreachable: like the database, a 503 the device retries later. */
const storeUnavailable = (): never => {
  throw new ApiError(503, 'UNAVAILABLE', 'the rate-limit store is unavailable, try again later', undefined, { 'Retry-After': '5' });
};

// Times are whole microseconds (below 2^53, exact in Lua's doubles); written with %.0f because
// Lua's own number-to-string conversion keeps only 14 digits.
const CONSUME = `
local now, cost, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + cost * interval
local limit = now + burst * interval
if nxt > limit then return nxt - limit end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1)
return 0
`;
const REFUND = `
local now, cost, interval = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local nxt = tat - cost * interval
if nxt <= now then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1)
return 0
`;

type GcraRedis = Redis & {
  gcraConsume(key: string, now: number, cost: number, interval: number, burst: number): Promise<number>;
  gcraRefund(key: string, now: number, cost: number, interval: number): Promise<number>;
};

export function redisStore(url: string): LimitStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true }) as GcraRedis;
  // A lost connection fails the requests that need it (503); ioredis reconnects by itself.
  redis.on('error', () => {});
  redis.defineCommand('gcraConsume', { numberOfKeys: 1, lua: CONSUME });
  redis.defineCommand('gcraRefund', { numberOfKeys: 1, lua: REFUND });
  return {
    consume: async (key, nowUs, cost, { burst, intervalUs }) => {
      const excess = Number(await redis.gcraConsume(key, nowUs, cost, intervalUs, burst).catch(storeUnavailable));
      return excess > 0 ? { allowed: false, retryAfterUs: excess } : { allowed: true };
    },
    refund: async (key, nowUs, cost, { intervalUs }) => {
      await redis.gcraRefund(key, nowUs, cost, intervalUs).catch(storeUnavailable);
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
