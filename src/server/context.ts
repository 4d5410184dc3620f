// Everything a handler needs, passed in: the database, configuration, clock, logger, token
// settings, the server's HLC and the rate limiters. Built once per process (or per test).
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { TokenSettings } from './auth/jwt';
import { VerifiedTokens } from './auth/verified-tokens';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import type { Database } from './db/database';
import { settings } from './db/schema';
import { type Limiters, createLimiters, limitStoreFor } from './limits/limiters';
import { type Logger, createLogger } from './log';
import { ServerHlc } from './server-hlc';
import { GuessHints } from './sync/push/guess-hints';
import { RecentRecords } from './sync/push/recent-records';

export type { Limiters } from './limits/limiters';

export interface ServerContext {
  readonly database: Database;
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokens: TokenSettings;
  readonly hlc: ServerHlc;
  readonly limits: Limiters;
  /** Whose next push to decide on a guess first (sync/push/guess-hints.ts). */
  readonly guessHints: GuessHints;
  /** Records as last stored or read, for the push's start guess. */
  readonly recentRecords: RecentRecords;
}

export interface ContextOptions {
  database: Database;
  config: Config;
  clock?: Clock;
  log?: Logger;
}

export async function createContext(opts: ContextOptions): Promise<ServerContext> {
  const { database, config } = opts;
  const clock = opts.clock ?? systemClock;
  const secret = config.jwtSecret ?? (await storedSecret(database));
  const log = opts.log ?? createLogger();
  return {
    database,
    config,
    clock,
    log,
    tokens: {
      key: new TextEncoder().encode(secret),
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlSeconds: config.tokenTtlSeconds,
      verified: new VerifiedTokens(),
    },
    hlc: new ServerHlc(clock),
    limits: createLimiters(limitStoreFor(database, config, log), config, clock),
    guessHints: new GuessHints(),
    recentRecords: new RecentRecords(config.knownRecords),
  };
}

/** The JWT secret generated on first start and kept with the database. */
async function storedSecret(database: Database): Promise<string> {
  const db = database.db;
  await db
    .insert(settings)
    .values({ key: 'jwt_secret', value: randomBytes(48).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, 'jwt_secret'));
  if (!row) throw new Error('jwt secret missing after insert');
  return row.value;
}
