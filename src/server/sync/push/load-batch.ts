// Reads, in one statement, what a batch needs to be decided: the records it names (and the
// assessments and parents its data refers to) and the idempotency-log entries of its change
// ids. Run after lockRecords, so it sees every batch that touched those records committed.
import { sql } from 'drizzle-orm';
import type { RecordState } from '@/core/apply-change';
import { type Executor, rows } from '../../db/database';
import { RECORD_COLUMNS, type RecordRow } from '../record-row';
import type { SeenChange } from './plan-batch';
import { rowToState } from './record-state';

export interface LoadedBatch {
  readonly records: Map<string, RecordState>;
  readonly seen: Map<string, SeenChange>;
}

export async function loadBatch(tx: Executor, recordIds: readonly string[], changeIds: readonly string[]): Promise<LoadedBatch> {
  const [row] = await rows<{ records: RecordRow[] | null; changes: Array<{ change_id: string } & SeenChange> | null }>(
    tx,
    sql`select
          (select json_agg(r) from (
             select ${sql.raw(RECORD_COLUMNS)} from records
             where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(recordIds)}::jsonb))
           ) r) as records,
          (select json_agg(c) from (
             select change_id, user_id as "userId", result from sync_changes
             where change_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(changeIds)}::jsonb))
           ) c) as changes`,
  );
  const records = new Map<string, RecordState>();
  for (const r of row?.records ?? []) records.set(r.id, rowToState(r));
  const seen = new Map<string, SeenChange>();
  for (const c of row?.changes ?? []) seen.set(c.change_id, { userId: c.userId, result: c.result });
  return { records, seen };
}
