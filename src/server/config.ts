// Server configuration from environment variables (documented in README "Configuration").
import path from 'node:path';
import { RECENT_RECORDS } from './sync/push/recent-records';

export interface Config {
  /** `postgres://…`; unset means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** From FIELDSYNC_JWT_SECRET; unset means generated once and kept in the database. */
  readonly jwtSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Requests per user per minute on the sync endpoints (push and pull alike). */
  readonly syncRequestsPerMinute: number;
  /** Failed logins allowed per account, and per client address, in `loginWindowSeconds`. */
  readonly loginFailuresPerAccount: number;
  readonly loginFailuresPerAddress: number;
  readonly loginWindowSeconds: number;
  /** Trust the first X-Forwarded-For hop as the client address (behind a proxy you run). */
  readonly trustProxy: boolean;
  /** Records the push keeps as last stored or read (recent-records.ts); 0 keeps none. */
  readonly knownRecords: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min = 1): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${key} must be ${min === 0 ? 'a whole number, 0 or more' : 'a positive integer'}, got ${JSON.stringify(raw)}`);
  return n;
}

export function configFromEnv(env: Env = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ env.FIELDSYNC_DATA_DIR || path.join(process.cwd(), 'data', 'pglite')),
    jwtSecret: env.FIELDSYNC_JWT_SECRET || undefined,
    tokenTtlSeconds: int(env, 'FIELDSYNC_TOKEN_TTL_SECONDS', 7 * 24 * 3600),
    jwtIssuer: 'fieldsync',
    jwtAudience: 'fieldsync-api',
    syncRequestsPerMinute: int(env, 'FIELDSYNC_SYNC_RATE_PER_MINUTE', 1200),
    loginFailuresPerAccount: int(env, 'FIELDSYNC_LOGIN_FAILURES_PER_ACCOUNT', 10),
    loginFailuresPerAddress: int(env, 'FIELDSYNC_LOGIN_FAILURES_PER_ADDRESS', 50),
    loginWindowSeconds: int(env, 'FIELDSYNC_LOGIN_WINDOW_SECONDS', 15 * 60),
    trustProxy: env.FIELDSYNC_TRUST_PROXY === '1' || env.FIELDSYNC_TRUST_PROXY === 'true',
    knownRecords: int(env, 'FIELDSYNC_KNOWN_RECORDS', RECENT_RECORDS, 0),
  };
}

/** Defaults for tests: everything in memory, no environment read. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...configFromEnv({}), jwtSecret: 'test-secret-test-secret-test-secret-0123', ...overrides };
}
