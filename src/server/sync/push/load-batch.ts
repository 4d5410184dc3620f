// Reads, in one statement, what a batch needs to be decided: the records it names (and the
// assessments and parents its data refers to) and the idempotency-log entries of its change
// ids. loadCallerAndBatch reads them without locks, with the caller (a push's first try);
// lockAndLoad first takes the batch's record locks and then reads, row-locking the records that
// exist, so a writer that took no advisory lock cannot change them before the batch commits.
// On PostgreSQL lockAndLoad sends both statements in one round trip.
import { type SQL, sql } from 'drizzle-orm';
import type { RecordState } from '@/core/apply-change';
import { type CallerRow, type Caller, callerQuery, toCaller } from '../../auth/authenticate';
import { type DatabaseKind, type Executor, rows } from '../../db/database';
import { RECORD_COLUMNS, type RecordRow } from '../record-row';
import { lockRecords, lockStatement, uuidArrayParam } from './lock-records';
import type { SeenChange } from './plan-batch';
import { rowToState } from './record-state';

export interface LoadRow {
  records: RecordRow[] | null;
  changes: Array<{ change_id: string } & SeenChange> | null;
}

export interface LoadedBatch {
  readonly records: Map<string, RecordState>;
  readonly seen: Map<string, SeenChange>;
}

/**
 * The caller (user and entities, as authenticate.ts reads them) and the batch, in one
 * statement: a push's first read. 401 when the user no longer exists.
 */
export async function loadCallerAndBatch(
  db: Executor,
  userId: string,
  recordIds: readonly string[],
  changeIds: readonly string[],
): Promise<{ caller: Caller; loaded: LoadedBatch }> {
  const [row] = await rows<LoadRow & { caller: CallerRow | null }>(
    db,
    sql`select b.*, (select row_to_json(c) from (${callerQuery(userId)}) c) as caller
        from (${loadStatement(uuidArrayParam(recordIds), uuidArrayParam(changeIds))}) b`,
  );
  return { caller: toCaller(row?.caller), loaded: toLoaded(row) };
}

/**
 * lockRecords, then the load with the existing rows locked (FOR UPDATE). On PostgreSQL both go in one simple-protocol query (two
 * statements, one round trip): in READ COMMITTED each statement takes its own snapshot, so the
 * load still runs after the locks are granted and sees what committed before. That protocol
 * takes no parameters, so the ids are inlined, each checked to be a plain UUID first.
 */
export async function lockAndLoad(
  tx: Executor,
  kind: DatabaseKind,
  recordIds: readonly string[],
  changeIds: readonly string[],
): Promise<LoadedBatch> {
  const records = uuidArrayLiteral(recordIds);
  const changes = uuidArrayLiteral(changeIds);
  if (kind !== 'postgres' || recordIds.length === 0 || records === null || changes === null) {
    await lockRecords(tx, recordIds);
    const [row] = await rows<LoadRow>(tx, loadStatement(uuidArrayParam(recordIds), uuidArrayParam(changeIds), true));
    return toLoaded(row);
  }
  const results = (await tx.execute(sql`${lockStatement(records)}; ${loadStatement(records, changes, true)}`)) as unknown as Array<{ rows: LoadRow[] }>;
  return toLoaded(results[1]?.rows[0]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `'{…,…}'::uuid[]` as SQL text, or null when an id is not a plain UUID (never quoted). */
function uuidArrayLiteral(ids: readonly string[]): SQL | null {
  for (const id of ids) if (!UUID.test(id)) return null;
  return sql.raw(`'{${ids.join(',')}}'::uuid[]`);
}

export function loadStatement(recordIds: SQL, changeIds: SQL, lockRows = false): SQL {
  return sql`select
          (select json_agg(r) from (
             select ${sql.raw(RECORD_COLUMNS)} from records
             where id = any(${recordIds})
             ${lockRows ? sql`order by id for update` : sql``}
           ) r) as records,
          (select json_agg(c) from (
             select change_id, user_id as "userId", result from sync_changes
             where change_id = any(${changeIds})
           ) c) as changes`;
}

export function toLoaded(row: LoadRow | undefined): LoadedBatch {
  const records = new Map<string, RecordState>();
  for (const r of row?.records ?? []) records.set(r.id, rowToState(r));
  const seen = new Map<string, SeenChange>();
  for (const c of row?.changes ?? []) seen.set(c.change_id, { userId: c.userId, result: c.result });
  return { records, seen };
}
