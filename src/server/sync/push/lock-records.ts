// Serializes writers of the same records: one transaction-scoped advisory lock per record id,
// taken in a fixed order (so two batches cannot deadlock) and also for ids that do not exist
// yet (so two creates of one id wait for each other). One statement for any number of ids.
// Anything else that writes records (e.g. resolve) can take the same locks.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/database';

export async function lockRecords(tx: Executor, recordIds: readonly string[]): Promise<void> {
  if (recordIds.length === 0) return;
  await rows(tx, lockStatement(sql`${JSON.stringify(recordIds)}::jsonb`));
}

/** The lock statement over `ids`, a jsonb array of id strings (a parameter or a checked literal). */
export function lockStatement(ids: SQL): SQL {
  return sql`select count(*) from (
          select pg_advisory_xact_lock(k) from (
            select distinct hashtextextended(value::uuid::text, 0) as k
            from jsonb_array_elements_text(${ids})
            order by 1
          ) keys
        ) locked`;
}
