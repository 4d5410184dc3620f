// Server configuration from environment variables (documented in README "Configuration").
import path from 'node:path';

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
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${key} must be a positive integer, got ${JSON.stringify(raw)}`);
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
  };
}

/** Defaults for tests: everything in memory, no environment read. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...configFromEnv({}), jwtSecret: 'test-secret-test-secret-test-secret-0123', ...overrides };
}
