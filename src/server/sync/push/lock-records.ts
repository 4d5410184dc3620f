// Serializes writers of the same records: one transaction-scoped advisory lock per record id,
// taken in a fixed order (so two batches cannot deadlock) and also for ids that do not exist
// yet (so two creates of one id wait for each other). One statement for any number of ids.
// Anything else that writes records (e.g. resolve) can take the same locks.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/database';

export async function lockRecords(tx: Executor, recordIds: readonly string[]): Promise<void> {
  if (recordIds.length === 0) return;
  await rows(tx, lockStatement(uuidArrayParam(recordIds)));
}

/** The ids as one `uuid[]` parameter. */
export function uuidArrayParam(ids: readonly string[]): SQL {
  return sql`${sql.param(ids)}::uuid[]`;
}

/** The lock statement over `ids`, a `uuid[]` (a parameter or a checked literal). */
export function lockStatement(ids: SQL): SQL {
  return sql`select count(*) from (
          select pg_advisory_xact_lock(k) from (
            select distinct hashtextextended(id::text, 0) as k
            from unnest(${ids}) as id
            order by 1
          ) keys
        ) locked`;
}
