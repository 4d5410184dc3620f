// One handle over either database: PostgreSQL through a `pg` pool, or PGlite (embedded,
// file-backed or in memory). Both run the same schema, migrations and SQL.
import { PGlite } from '@electric-sql/pglite';
import { type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { createHash } from 'node:crypto';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migratePglite, migratePostgres } from './migrate';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; has the same query API as `Db`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  /** PGlite only: the data folder as a tar file (tests copy a migrated template this way). */
  dump?: () => Promise<Blob | File>;
  readonly db: Db;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Applies the committed migrations; a no-op when they are all applied. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…`: PostgreSQL. Unset: PGlite. */
  url?: string | undefined;
  /** PGlite data folder; unset means in memory. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: run the statements given to prepared() as named prepared statements (default true). */
  preparedStatements?: boolean;
  /** PGlite: start from this dumped data folder (tests start from a migrated template). */
  loadDataDir?: Blob | File;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10, opts.preparedStatements ?? true);
  return openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPostgres(url: string, max: number, preparedStatements: boolean): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Nor may a checked-out one (a transaction under way when PostgreSQL restarts): pg emits
  // 'error' on the client as well as failing its query, and the pool listens only while idle.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  if (preparedStatements) NAMED.set(db, namedRunner(pool));
  let closed = false;
  return {
    kind: 'postgres',
    db,
    ping: async () => {
      await pool.query('select 1');
    },
    migrate: () => migratePostgres(pool),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | File | undefined): Promise<Database> {
  const client = new PGlite({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    ping: async () => {
      if (client.closed) throw new Error('database closed');
      await client.query('select 1');
    },
    migrate: () => migratePglite(client),
    dump: () => client.dumpDataDir('none'),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/** The pool-level handles whose prepared() statements run named, and how. */
const NAMED = new WeakMap<object, (query: SQL) => Promise<unknown[]>>();

// Types drizzle's node-postgres session reads as text in raw queries (timestamps, dates,
// intervals and their arrays), so a named statement's rows are the rows rows() gives.
const AS_TEXT = new Set([1082, 1114, 1115, 1182, 1184, 1185, 1186, 1187, 1231]);
const rawTypes = {
  getTypeParser: (id: number, format?: 'text' | 'binary') => (AS_TEXT.has(id) ? (v: string) => v : pg.types.getTypeParser(id, format)),
};

/**
 * Runs a statement as a prepared statement named after its text: each connection of the pool
 * parses and plans it once, then only binds and runs it.
 */
function namedRunner(pool: pg.Pool): (query: SQL) => Promise<unknown[]> {
  const dialect = new PgDialect();
  return async (query) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const name = `fs_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    const result = await pool.query({ name, text, values: params as unknown[], types: rawTypes } as pg.QueryConfig);
    return result.rows;
  };
}

/**
 * rows() for a hot statement whose text is the same on every call (its data in parameters):
 * on PostgreSQL, outside a transaction, it runs as a named prepared statement (every distinct
 * text stays prepared on every connection, so never pass text built from data).
 */
export async function prepared<T>(ex: Executor, query: SQL): Promise<T[]> {
  const named = NAMED.get(ex);
  return named ? ((await named(query)) as T[]) : rows<T>(ex, query);
}

/** Runs raw SQL and returns its rows, on either driver. */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = await ex.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}
