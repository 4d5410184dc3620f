// The server's budgets, built from the configuration over one store: PostgreSQL when the server
// runs on it, Redis when REDIS_URL is set, memory for the embedded PGlite server (one process).
//   sync          requests per user, every authenticated endpoint
//   work          work units per user: a change pushed, ~4 KiB of a pushed record or page served
//   address       requests per client address on the endpoints without a login
//   loginAccount  login attempts per account (the email as given), for strangers
//   loginDevice   login attempts from one known device (a valid device token) for its account
//   loginAddress  login attempts per client address, for strangers
import { windowPolicy } from '@/core/gcra';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { Limiter } from '../http/rate-limit';
import type { Logger } from '../log';
import { HashGate } from './hash-gate';
import { memoryStore } from './memory-store';
import { postgresStore } from './postgres-store';
import { redisStore } from './redis-store';
import type { LimitStore } from './store';

export interface Limiters {
  readonly sync: Limiter;
  readonly work: Limiter;
  readonly address: Limiter;
  readonly loginAccount: Limiter;
  readonly loginDevice: Limiter;
  readonly loginAddress: Limiter;
  /** Password checks at once in this process. */
  readonly hashing: HashGate;
  /** Closes the store's connection (Redis). */
  close(): Promise<void>;
}

export function limitStoreFor(database: Database, config: Config, log: Logger): LimitStore {
  if (config.redisUrl) return redisStore(config.redisUrl);
  if (database.kind === 'postgres') return postgresStore(database.db, (err) => log.warn({ err }, 'rate-limit sweep failed'));
  return memoryStore();
}

export function createLimiters(store: LimitStore, config: Config, clock: Clock): Limiters {
  const limiter = (name: string, most: number, windowSeconds: number, burst: number) =>
    new Limiter(store, config.limitsPrefix + name, windowPolicy(most, windowSeconds, burst), clock);
  const login = (name: string, failures: number) => limiter(name, failures, config.loginWindowSeconds, failures);
  return {
    sync: limiter('sync', config.syncRequestsPerMinute, config.syncWindowSeconds, config.syncBurst),
    work: limiter('work', config.workUnitsPerWindow, config.syncWindowSeconds, config.workBurst),
    address: limiter('address', config.addressRequestsPerWindow, config.syncWindowSeconds, config.addressBurst),
    loginAccount: login('login-account', config.loginFailuresPerAccount),
    loginDevice: login('login-device', config.loginFailuresPerDevice),
    loginAddress: login('login-address', config.loginFailuresPerAddress),
    hashing: new HashGate(config.loginHashConcurrency, config.loginHashQueue),
    close: () => store.close(),
  };
}
