// Applies the committed SQL migrations (drizzle/) at start-up, on either database.
// On PostgreSQL a session advisory lock, held on one dedicated connection, keeps several
// starting instances from racing each other.
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateWithPg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migrateWithPglite } from 'drizzle-orm/pglite/migrator';
import type pg from 'pg';

const MIGRATION_LOCK = 7_317_001;

export function migrationsFolder(): string {
  return process.env.FIELDSYNC_MIGRATIONS_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), 'drizzle');
}

export async function migratePglite(client: PGlite): Promise<void> {
  await migrateWithPglite(drizzlePglite(client), { migrationsFolder: migrationsFolder() });
}

export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrateWithPg(drizzlePg(client), { migrationsFolder: migrationsFolder() });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
