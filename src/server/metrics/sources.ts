// Where the scrape-time gauges of metrics.ts read from: the database's open conflicts and the
// PostgreSQL pool (drizzle's public `$client`, the pg.Pool it was made over).
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { type Database, rows } from '../db/database';
import type { MetricSources } from './metrics';

export function databaseSources(database: Database): MetricSources {
  const pool = database.kind === 'postgres' ? (database.db as unknown as { $client: pg.Pool }).$client : undefined;
  return {
    openConflicts: async () => {
      const [row] = await rows<{ n: number | string }>(database.db, sql`select count(*)::int as n from sync_conflicts where status = 'open'`);
      return Number(row?.n ?? 0);
    },
    pool: () => (pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined),
  };
}
