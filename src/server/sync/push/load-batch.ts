// Reads, in one statement, what a batch needs to be decided: the records it names (and the
// assessments and parents its data refers to) and the idempotency-log entries of its change
// ids. The records come as rows, their data as JSON text parsed only if the decision reads it
// (record-state.ts): building the same as one json_agg value, and parsing all of it, costs
// about twice as much.
// loadCallerAndBatch reads them without locks, with the caller (a push's first try);
// lockAndLoad first takes the batch's record locks and then reads, row-locking the records that
// exist, so a writer that took no advisory lock cannot change them before the batch commits.
// On PostgreSQL lockAndLoad sends both statements in one round trip.
import { type SQL, sql } from 'drizzle-orm';
import type { RecordState } from '@/core/apply-change';
import { type CallerRow, type Caller, callerQuery, toCaller } from '../../auth/authenticate';
import { type DatabaseKind, type Executor, prepared, rows } from '../../db/database';
import { lockRecords, lockStatement, uuidArrayParam } from './lock-records';
import type { SeenChange } from './plan-batch';
import { type TextRecordRow, textRowToState } from './record-state';

/**
 * A row of the load: the head row (`head`: the batch's log entries, and the caller when asked
 * for) or one record, its data as JSON text.
 */
export type LoadRow = { head: true; caller?: string | null; changes: string | null } | ({ head: false } & TextRecordRow);

export interface LoadedBatch {
  readonly records: Map<string, RecordState>;
  readonly seen: Map<string, SeenChange>;
}

export interface CallerAndBatch {
  readonly caller: Caller;
  readonly loaded: LoadedBatch;
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
): Promise<CallerAndBatch> {
  const loaded = await prepared<LoadRow>(db, loadStatement(uuidArrayParam(recordIds), uuidArrayParam(changeIds), false, callerQuery(userId)));
  const head = loaded.find((r) => r.head);
  const caller = head?.head === true && head.caller ? (JSON.parse(head.caller) as CallerRow) : null;
  return { caller: toCaller(caller), loaded: toLoaded(loaded) };
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
    return toLoaded(await rows<LoadRow>(tx, loadStatement(uuidArrayParam(recordIds), uuidArrayParam(changeIds), true)));
  }
  const results = (await tx.execute(sql`${lockStatement(records)}; ${loadStatement(records, changes, true)}`)) as unknown as Array<{ rows: LoadRow[] }>;
  return toLoaded(results[1]?.rows ?? []);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `'{…,…}'::uuid[]` as SQL text, or null when an id is not a plain UUID (never quoted). */
function uuidArrayLiteral(ids: readonly string[]): SQL | null {
  for (const id of ids) if (!UUID.test(id)) return null;
  return sql.raw(`'{${ids.join(',')}}'::uuid[]`);
}

/**
 * The head row first (the log entries of `changeIds`, and the caller when `caller` is given),
 * then a row per existing record of `recordIds`; with `lockRows`, those rows are locked.
 */
function loadStatement(recordIds: SQL, changeIds: SQL, lockRows = false, caller?: SQL): SQL {
  return sql`select true as head,
          ${caller ? sql`(select row_to_json(c) from (${caller}) c)::text` : sql`null::text`} as caller,
          (select json_agg(c) from (
             select change_id, user_id as "userId", result from sync_changes
             where change_id = any(${changeIds})
           ) c)::text as changes,
          null::uuid as id, null::text as type, null::uuid as entity_id, null::bigint as version, null::text as data,
          null::boolean as deleted, null::text as hlc, null::uuid as updated_by, null::text as device_id
        union all
        select false, null, null, id, type, entity_id, version, data::text, deleted, hlc, updated_by, device_id
        from (
          select id, type, entity_id, version, data, deleted, hlc, updated_by, device_id from records
          where id = any(${recordIds})
          ${lockRows ? sql`order by id for update` : sql``}
        ) r`;
}

function toLoaded(loaded: readonly LoadRow[]): LoadedBatch {
  const records = new Map<string, RecordState>();
  const seen = new Map<string, SeenChange>();
  for (const r of loaded) {
    if (!r.head) {
      records.set(r.id, textRowToState(r));
      continue;
    }
    const changes = r.changes === null ? [] : (JSON.parse(r.changes) as Array<{ change_id: string } & SeenChange>);
    for (const c of changes) seen.set(c.change_id, { userId: c.userId, result: c.result });
  }
  return { records, seen };
}
