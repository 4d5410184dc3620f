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
import { Drain } from './health/drain';
import { type Limiters, createLimiters, limitStoreFor } from './limits/limiters';
import { type Logger, createLogger } from './log';
import { Metrics } from './metrics/metrics';
import { databaseSources } from './metrics/sources';
import { ServerHlc } from './server-hlc';
import { EventHub } from './sync/events/event-hub';

export type { Limiters } from './limits/limiters';

export interface ServerContext {
  readonly database: Database;
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tokens: TokenSettings;
  readonly hlc: ServerHlc;
  readonly limits: Limiters;
  /** The instance's drain on SIGTERM: health 503 once begun; register there what must end then (streams). */
  readonly drain: Drain;
  /** The instance's Prometheus metrics (metrics/metrics.ts). */
  readonly metrics: Metrics;
  /** The instance's live-update streams (sync/events/event-hub.ts); they end when the drain begins. */
  readonly events: EventHub;
}

export interface ContextOptions {
  database: Database;
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** The process's drain (runtime.ts), when the context serves a real server. */
  drain?: Drain;
}

export async function createContext(opts: ContextOptions): Promise<ServerContext> {
  const { database, config } = opts;
  const clock = opts.clock ?? systemClock;
  const secret = config.jwtSecret ?? (await storedSecret(database));
  const log = opts.log ?? createLogger();
  const metrics = new Metrics();
  Object.assign(metrics.sources, databaseSources(database));
  const drain = opts.drain ?? new Drain();
  const events = new EventHub({ database, config, clock, log });
  drain.onDrain(() => events.close());
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
    drain,
    metrics,
    events,
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
