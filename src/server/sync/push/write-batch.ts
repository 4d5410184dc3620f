// Stores a decided batch in one statement, whatever its size: new records inserted, changed
// records updated (only if still at the version the batch read), the conflict log, the
// idempotency log with every result (whose newest entry is also the caller's last push, for
// GET /sync/status: a row of its own per user, written by every push, made a user's devices
// wait for each other's commits). The statement checks
// its own row counts (fieldsync_expect_rows, migration 0003): if another writer got to one of
// the batch's records or change ids after the batch read them, it aborts as a serialization
// failure (40001) and leaves nothing, so it is safe without a transaction around it. So it does
// for a record the batch's writes refer to (an assessment its responses name) that another
// writer deleted: it takes a share lock on each such record, which waits for a deleting writer
// and then sees the record as that writer left it, and blocks deleters until it commits.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, prepared } from '../../db/database';
import type { RecordData } from '@/protocol/records';
import { storedResult } from './change-results';
import { uuidArrayParam } from './lock-records';
import type { BatchPlan, RecordWrite } from './plan-batch';

export interface WriteMeta {
  readonly userId: string;
  readonly deviceId: string;
  readonly now: number;
  /** JSON texts of data objects serialized already (when they were checked), not to serialize twice. */
  readonly dataTexts?: ReadonlyMap<RecordData, string>;
}

export async function writeBatch(tx: Executor, plan: BatchPlan, meta: WriteMeta): Promise<void> {
  const records = plan.writes;
  const conflicts = plan.conflicts.map((c) => ({
    change_id: c.changeId,
    record_id: c.recordId,
    entity_id: c.entityId,
    type: c.type,
    resolution: c.resolution,
    winner: c.winner,
    loser: c.loser,
    clamped_from: c.clampedFrom,
  }));
  const log = plan.log.map((l) => ({ change_id: l.changeId, record_id: l.recordId, original_hlc: l.originalHlc, result: storedResult(l.result) }));

  // Only the parts this batch needs: planning the statement is a good part of its cost.
  const inserts = records.some((r) => r.previousVersion === null);
  const updates = records.some((r) => r.previousVersion !== null);
  const parts: SQL[] = [];
  const counted: SQL[] = [];
  if (records.length > 0)
    // `quiet` silences the live-update triggers for this statement's transaction: the push
    // announces its writes after the commit (push-notices.ts), as a NOTIFY inside it would make
    // concurrent commits take turns.
    parts.push(sql`quiet as (select set_config('fieldsync.notify', 'after_commit', true) as on),
      w as (
        select x.* from jsonb_to_recordset(${recordsJson(records, meta.dataTexts)}::jsonb) as x(
          id uuid, type text, entity_id uuid, version bigint, data jsonb, deleted boolean, hlc text,
          updated_by uuid, device_id text, previous_version bigint)
        cross join quiet
      )`);
  if (inserts) {
    parts.push(sql`ins as (
        insert into records (id, type, entity_id, version, data, deleted, hlc, updated_by, device_id)
        select id, type, entity_id, version, data, deleted, hlc, updated_by, device_id
        from w where previous_version is null order by id
        on conflict (id) do nothing
        returning 1
      )`);
    counted.push(sql`(select count(*) from ins)::int`);
  }
  if (updates) {
    parts.push(sql`upd as (
        update records r
        set version = w.version, data = w.data, deleted = w.deleted, hlc = w.hlc,
            updated_by = w.updated_by, device_id = w.device_id
        from w
        where r.id = w.id and w.previous_version is not null and r.version = w.previous_version
        returning 1
      )`);
    counted.push(sql`(select count(*) from upd)::int`);
  }
  if (conflicts.length > 0)
    parts.push(sql`con as (
        insert into sync_conflicts (change_id, record_id, entity_id, type, resolution, winner, loser, clamped_from)
        select change_id, record_id, entity_id, type, resolution, winner, loser, clamped_from
        from jsonb_to_recordset(${JSON.stringify(conflicts)}::jsonb) as x(
          change_id uuid, record_id uuid, entity_id uuid, type text, resolution text, winner jsonb, loser jsonb, clamped_from text)
        returning 1
      )`);
  if (log.length > 0) {
    parts.push(sql`logged as (
        insert into sync_changes (change_id, user_id, device_id, record_id, original_hlc, result, created_at)
        select change_id, ${meta.userId}::uuid, ${meta.deviceId}, record_id, original_hlc, result, ${new Date(meta.now).toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(log)}::jsonb) as x(change_id uuid, record_id uuid, original_hlc text, result jsonb)
        order by change_id
        on conflict (change_id) do nothing
        returning 1
      )`);
    counted.push(sql`(select count(*) from logged)::int`);
  }
  if (plan.references.length > 0) {
    // FOR SHARE, not KEY SHARE: a delete is an update of non-key columns, which KEY SHARE lets by.
    parts.push(sql`refs as (
        select count(*)::int as n from (
          select 1 from records where id = any(${uuidArrayParam(plan.references)}) and not deleted
          for share
        ) r
      )`);
    counted.push(sql`(select n from refs)`);
  }
  // Nothing to write: every change was a replay, or failed without an id to log it under.
  if (parts.length === 0) return;
  // Data-modifying CTEs run to completion whether or not they are read.
  const expected = records.length + log.length + plan.references.length;
  await prepared(tx, sql`with ${sql.join(parts, sql`, `)} select fieldsync_expect_rows(${counted.length > 0 ? sql.join(counted, sql` + `) : sql`0`}, ${expected}) as written`);
}

/**
 * The records as a JSON array for jsonb_to_recordset, each data object's text taken from
 * `texts` when it is there: the same JSON.stringify would give, without serializing data twice.
 * The rest is serialized in one call with each data left null, then the texts go in its place:
 * JSON.stringify escapes every quote inside a string, so `"data":null` can only be a record's own.
 */
export function recordsJson(writes: readonly RecordWrite[], texts: ReadonlyMap<RecordData, string> = new Map()): string {
  const fields = writes.map(({ id, record: r, previousVersion }) => ({
    id,
    type: r.type,
    entity_id: r.entityId,
    version: r.version,
    deleted: r.deleted,
    hlc: r.hlc,
    updated_by: r.updatedBy,
    device_id: r.deviceId,
    previous_version: previousVersion,
    data: null,
  }));
  const parts = JSON.stringify(fields).split('"data":null');
  let out = parts[0]!;
  for (let i = 0; i < writes.length; i++) {
    const data = writes[i]!.record.data;
    out += `"data":${texts.get(data) ?? JSON.stringify(data)}${parts[i + 1]!}`;
  }
  return out;
}
