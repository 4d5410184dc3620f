// Server configuration from environment variables (documented in docs/operations.md "Every setting").
import os from 'node:os';
import path from 'node:path';

export interface Config {
  /** `postgres://…`; unset means the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL: hot statements as named prepared statements; off for a pooler that cannot keep them. */
  readonly preparedStatements: boolean;
  readonly dataDir: string;
  /** From FIELDSYNC_JWT_SECRET; unset means generated once and kept in the database. */
  readonly jwtSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Most requests per user in any minute (any `syncWindowSeconds`) on every authenticated endpoint. */
  readonly syncRequestsPerMinute: number;
  /** Failed logins allowed per account, and per client address, in `loginWindowSeconds`. */
  readonly loginFailuresPerAccount: number;
  readonly loginFailuresPerAddress: number;
  readonly loginWindowSeconds: number;
  /** Most requests per user in any window of `syncWindowSeconds` on authenticated endpoints, `syncBurst` of them at once. */
  readonly syncBurst: number;
  readonly syncWindowSeconds: number;
  /** Work units per user (a change pushed, ~4 KiB of body or page served) in any window, `workBurst` at once. */
  readonly workUnitsPerWindow: number;
  readonly workBurst: number;
  /** Requests per client address in any window on endpoints without a login (login, health, unknown paths). */
  readonly addressRequestsPerWindow: number;
  readonly addressBurst: number;
  /** Failed logins allowed from one known device (a valid device token) in `loginWindowSeconds`. */
  readonly loginFailuresPerDevice: number;
  /** Password checks at once in one process, and logins that may wait for one (per priority). */
  readonly loginHashConcurrency: number;
  readonly loginHashQueue: number;
  /** Proxies you run in front of the server (FIELDSYNC_TRUST_PROXY, 1/true = one): the client address is that many hops before the last. */
  readonly trustProxy: number;
  /** `redis://…`: rate limits in Redis, shared by every instance; unset: in PostgreSQL (or memory on PGlite). */
  readonly redisUrl: string | undefined;
  /** Prefix of every rate-limit key, so deployments (or tests) sharing a Redis or database never share a budget. */
  readonly limitsPrefix: string;
  /** Requests one instance handles at once, and of one user (http/admission.ts); beyond: 503, 429. */
  readonly maxInFlight: number;
  readonly maxInFlightPerUser: number;
  /** Requests of one user that run at once on an instance; the rest of the user's wait their turn (user-gate.ts). */
  readonly runningPerUser: number;
  /** Request body those running requests of one user may hold between them; a larger one runs alone. */
  readonly runningBytesPerUser: number;
  /** Memory reserved for request bodies in flight on one instance; unset: a quarter of the V8 heap limit. */
  readonly bodyMemoryBytes: number | undefined;
  /** Node http server timeouts (node/http-server.ts): all headers, the whole request, an idle kept-alive connection. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take to finish before their connections are cut (node/graceful-shutdown.ts). */
  readonly shutdownGraceSeconds: number;
  /** A bearer that may read GET /api/v1/metrics besides an admin's token (a Prometheus scrape job's); unset: admins only. */
  readonly metricsToken: string | undefined;
  /** Bytes of record (or conflict) JSON one pull or conflict-list page may carry; one larger entry still goes alone. */
  readonly pageBytes: number;
  /** Past this age of the oldest transaction holding the pull feed back, health says degraded and a warning is logged. */
  readonly feedLagWarnSeconds: number;
  /** Live-update streams (GET /sync/events) open at once on one instance, and of one user there; beyond: 429. */
  readonly eventStreams: number;
  readonly eventStreamsPerUser: number;
  /** Media content (server/media): a folder on disk unless `s3` is set; several instances need S3 or a shared folder. */
  readonly mediaDir: string;
  readonly s3: S3Config | undefined;
  /** Largest media content accepted (Tus-Max-Size), and largest body of one upload PATCH. */
  readonly mediaMaxBytes: number;
  readonly mediaChunkMaxBytes: number;
  /** Content types accepted for upload: exact, or `type/*`. */
  readonly mediaTypes: readonly string[];
  /** An unfinished upload's bytes are removed this long after its creation (Upload-Expires). */
  readonly mediaUploadExpirySeconds: number;
}

/** S3-compatible object storage for media content (FIELDSYNC_S3_*). */
export interface S3Config {
  readonly bucket: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly forcePathStyle: boolean;
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min = 1): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${key} must be ${min === 0 ? 'a whole number, 0 or more' : 'a positive integer'}, got ${JSON.stringify(raw)}`);
  return n;
}

const DEFAULT_MEDIA_TYPES = 'image/jpeg,image/png,image/webp,image/heic,application/pdf,audio/*';

function mediaTypes(raw: string | undefined): string[] {
  const list = (raw || DEFAULT_MEDIA_TYPES).split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
  for (const t of list)
    if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/.test(t))
      throw new Error(`FIELDSYNC_MEDIA_TYPES must be a comma-separated list of content types (type/subtype or type/*), got ${JSON.stringify(t)}`);
  return list;
}

function s3Config(env: Env): S3Config | undefined {
  const bucket = env.FIELDSYNC_S3_BUCKET;
  if (!bucket) return undefined;
  return {
    bucket,
    endpoint: env.FIELDSYNC_S3_ENDPOINT || undefined,
    region: env.FIELDSYNC_S3_REGION || 'us-east-1',
    accessKeyId: env.FIELDSYNC_S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.FIELDSYNC_S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: env.FIELDSYNC_S3_FORCE_PATH_STYLE === 'true' || env.FIELDSYNC_S3_FORCE_PATH_STYLE === '1',
  };
}

function onOff(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === 'true' || raw === '1') return true;
  if (raw === 'off' || raw === 'false' || raw === '0') return false;
  throw new Error(`${key} must be on or off, got ${JSON.stringify(env[key])}`);
}

function trustedProxies(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`FIELDSYNC_TRUST_PROXY must be the number of proxies in front of the server (or true/false), got ${JSON.stringify(raw)}`);
  return n;
}

export function configFromEnv(env: Env = process.env): Config {
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.FIELDSYNC_DATA_DIR || path.join(process.cwd(), 'data', 'pglite'));
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    preparedStatements: onOff(env, 'FIELDSYNC_PREPARED_STATEMENTS', true),
    dataDir,
    jwtSecret: env.FIELDSYNC_JWT_SECRET || undefined,
    tokenTtlSeconds: int(env, 'FIELDSYNC_TOKEN_TTL_SECONDS', 7 * 24 * 3600),
    jwtIssuer: 'fieldsync',
    jwtAudience: 'fieldsync-api',
    syncRequestsPerMinute: int(env, 'FIELDSYNC_SYNC_RATE_PER_MINUTE', 1200),
    loginFailuresPerAccount: int(env, 'FIELDSYNC_LOGIN_FAILURES_PER_ACCOUNT', 10),
    loginFailuresPerAddress: int(env, 'FIELDSYNC_LOGIN_FAILURES_PER_ADDRESS', 50),
    loginWindowSeconds: int(env, 'FIELDSYNC_LOGIN_WINDOW_SECONDS', 15 * 60),
    syncBurst: int(env, 'FIELDSYNC_SYNC_BURST', 100),
    syncWindowSeconds: int(env, 'FIELDSYNC_SYNC_WINDOW_SECONDS', 60),
    workUnitsPerWindow: int(env, 'FIELDSYNC_WORK_UNITS_PER_MINUTE', 32_000),
    workBurst: int(env, 'FIELDSYNC_WORK_BURST', 12_000),
    addressRequestsPerWindow: int(env, 'FIELDSYNC_ADDRESS_RATE_PER_MINUTE', 1200),
    addressBurst: int(env, 'FIELDSYNC_ADDRESS_BURST', 100),
    loginFailuresPerDevice: int(env, 'FIELDSYNC_LOGIN_FAILURES_PER_DEVICE', 10),
    loginHashConcurrency: int(env, 'FIELDSYNC_LOGIN_HASH_CONCURRENCY', 2),
    loginHashQueue: int(env, 'FIELDSYNC_LOGIN_HASH_QUEUE', 32, 0),
    trustProxy: trustedProxies(env.FIELDSYNC_TRUST_PROXY),
    redisUrl: env.REDIS_URL || undefined,
    limitsPrefix: env.FIELDSYNC_LIMITS_PREFIX || 'fieldsync:',
    // A device runs two push lanes and a pull; a user may have a few devices.
    maxInFlight: int(env, 'FIELDSYNC_MAX_IN_FLIGHT', 256),
    maxInFlightPerUser: int(env, 'FIELDSYNC_MAX_IN_FLIGHT_PER_USER', 32),
    runningPerUser: int(env, 'FIELDSYNC_RUNNING_PER_USER', 2),
    runningBytesPerUser: int(env, 'FIELDSYNC_RUNNING_BYTES_PER_USER', 1024 * 1024),
    bodyMemoryBytes: env.FIELDSYNC_BODY_MEMORY_MB ? int(env, 'FIELDSYNC_BODY_MEMORY_MB', 0) * 1024 * 1024 : undefined,
    headersTimeoutMs: int(env, 'FIELDSYNC_HEADERS_TIMEOUT_MS', 20_000),
    requestTimeoutMs: int(env, 'FIELDSYNC_REQUEST_TIMEOUT_MS', 300_000),
    // Longer than a load balancer's usual 60 s idle timeout, so the balancer closes first.
    keepAliveTimeoutMs: int(env, 'FIELDSYNC_KEEP_ALIVE_TIMEOUT_MS', 65_000),
    shutdownGraceSeconds: int(env, 'FIELDSYNC_SHUTDOWN_GRACE_SECONDS', 30, 0),
    metricsToken: env.FIELDSYNC_METRICS_TOKEN || undefined,
    pageBytes: int(env, 'FIELDSYNC_PAGE_BYTES', 4 * 1024 * 1024),
    feedLagWarnSeconds: int(env, 'FIELDSYNC_FEED_LAG_WARN_SECONDS', 30),
    eventStreams: int(env, 'FIELDSYNC_EVENT_STREAMS', 2_000),
    // The syncing tab of each of a few devices, and a reconnect overlapping the stream it replaces.
    eventStreamsPerUser: int(env, 'FIELDSYNC_EVENT_STREAMS_PER_USER', 8),
    // Beside the PGlite folder (data/media by default), never inside it.
    mediaDir: path.resolve(/*turbopackIgnore: true*/ env.FIELDSYNC_MEDIA_DIR || path.join(path.dirname(dataDir), 'media')),
    s3: s3Config(env),
    mediaMaxBytes: int(env, 'FIELDSYNC_MEDIA_MAX_BYTES', 25 * 1024 * 1024),
    mediaChunkMaxBytes: int(env, 'FIELDSYNC_MEDIA_CHUNK_MAX', 8 * 1024 * 1024),
    mediaTypes: mediaTypes(env.FIELDSYNC_MEDIA_TYPES),
    mediaUploadExpirySeconds: int(env, 'FIELDSYNC_MEDIA_UPLOAD_EXPIRY_SECONDS', 24 * 3600),
  };
}

/** Defaults for tests: everything in memory, no environment read. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...configFromEnv({}),
    jwtSecret: 'test-secret-test-secret-test-secret-0123',
    // Test servers on one database keep their rate limits apart.
    limitsPrefix: `test-${Math.random().toString(36).slice(2)}:`,
    // A test's manual clock stands still, so no budget refills: the whole request budget comes
    // at once (syncRequestsPerMinute, as tests set it), and tests of the others set them.
    syncBurst: 1_000_000_000,
    workUnitsPerWindow: 1_000_000_000,
    workBurst: 1_000_000_000,
    addressRequestsPerWindow: 1_000_000_000,
    addressBurst: 1_000_000_000,
    // Uploaded media of tests goes to a temporary folder, never the repository's data/.
    mediaDir: path.join(os.tmpdir(), `fieldsync-test-media-${process.pid}`),
    ...overrides,
  };
}
