// POST /api/v1/sync/resolve {conflictId, action} (docs/protocol.md "Conflicts"), for a coordinator
// assigned to the conflict's entity or an admin.
//   accept         → the entry is marked resolved; the record is not touched.
//   restore_loser  → in the same transaction, the loser (its data, or its delete) is written
//                    as a new version on top of the record's current one, stamped by the
//                    server's clock after the current stamp, so it wins and syncs like any
//                    write; the version it replaced is kept in the entry (`replaced`).
//   undo_restore   → takes back a restore_loser: the version it replaced is written back as a
//                    new version, and the entry is open again for another decision. Only while
//                    the record is still as the restore left it (else 409 CONFLICT: a
//                    later write would be overwritten).
// The conflict row is locked first (select … for update), so of two concurrent resolves one
// succeeds and the other sees it resolved: 409 ALREADY_RESOLVED.
// A restored response or media record must still point at a live assessment or parent, as a
// push of it must (change-access.ts): one deleted since the conflict → 404 NOT_FOUND, nothing
// changed. The referenced record is share-locked, so a delete cannot land before the commit.
import { sql } from 'drizzle-orm';
import { type AccessSubject, checkAccess, referencedId } from '@/core/change-access';
import { type ConflictSide, type ResolveResponse, ResolveRequestSchema } from '@/protocol/conflicts';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import { IdSchema } from '@/protocol/records';
import { type Caller, authenticate, requireRole } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { type Tx, rows } from '../../db/database';
import { ApiError, forbidden, notFound, validation } from '../../http/api-error';
import { parseWith, readJson } from '../../http/read-json';
import { json } from '../../http/respond';
import { chargeRequest } from '../../limits/charge';
import { lockRecords } from '../push/lock-records';
import { type TextRecordRow, textRowToState } from '../push/record-state';
import { withRetries } from '../push/with-retries';
import { RECORD_COLUMNS, type RecordRow, toSyncRecord } from '../record-row';
import { CONFLICT_COLUMNS, type ConflictRow, toConflictEntry, toSide } from './conflict-entry';
import { withUserNames } from './user-names';

const alreadyResolved = () => new ApiError(409, 'ALREADY_RESOLVED', 'this conflict is already resolved');

export async function resolveConflict(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeRequest(ctx, caller.id);
  requireRole(caller, 'coordinator', 'admin');
  const body = parseWith(ResolveRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  if (!IdSchema.safeParse(body.conflictId).success) throw notFound('no such conflict');
  const conflictId = body.conflictId.toLowerCase();

  // A deadlock with a push (the assessment it deletes, the response it edits) or a serialization
  // failure runs the resolve again, as a push would: it changed nothing.
  const result = await withRetries(() => ctx.database.db.transaction(async (tx) => {
    const [conflict] = await rows<ConflictRow>(
      tx,
      sql`select ${CONFLICT_COLUMNS} from sync_conflicts where id = ${conflictId} for update`,
    );
    if (!conflict) throw notFound('no such conflict');
    if (!mayResolve(caller, conflict.entity_id)) throw forbidden('that entity is not assigned to you');
    if (body.action === 'undo_restore') return undoRestore(ctx, tx, caller, conflict);
    if (conflict.status === 'resolved') throw alreadyResolved();
    const resolvedAt = new Date(ctx.clock.now()).toISOString();
    if (body.action === 'accept') {
      const [done] = await rows<ConflictRow>(
        tx,
        sql`update sync_conflicts set status = 'resolved', resolved_at = ${resolvedAt}::timestamptz,
              resolved_by = ${caller.id}, resolved_action = 'accept'
            where id = ${conflictId} returning ${CONFLICT_COLUMNS}`,
      );
      return { conflict: done! };
    }
    return restoreLoser(ctx, tx, caller, conflict, resolvedAt);
  }));

  const [conflict] = await withUserNames(ctx.database.db, [toConflictEntry(result.conflict)]);
  const response: ResolveResponse = { conflict: conflict! };
  if ('record' in result) response.record = toSyncRecord(result.record);
  return json(200, response);
}

function mayResolve(caller: Caller, entityId: string): boolean {
  if (caller.role === 'admin') return true;
  return caller.role === 'coordinator' && caller.entityIds.some((id) => id.toLowerCase() === entityId.toLowerCase());
}

async function restoreLoser(
  ctx: ServerContext,
  tx: Tx,
  caller: Caller,
  conflict: ConflictRow,
  resolvedAt: string,
): Promise<{ conflict: ConflictRow; record: RecordRow }> {
  const cols = sql.raw(RECORD_COLUMNS);
  const loser = toSide(conflict.loser);
  const subject = restoreSubject(conflict, loser);
  const refId = referencedId(subject);
  // The same per-record locks as push, so a restore and a batch touching the record, or the
  // assessment it points at, take turns.
  await lockRecords(tx, refId === undefined ? [conflict.record_id] : [conflict.record_id, refId]);
  const [current] = await rows<RecordRow>(tx, sql`select ${cols} from records where id = ${conflict.record_id} for update`);
  if (!current) throw notFound('the conflict names a record that does not exist');
  await checkRestorable(tx, subject, refId);
  ctx.hlc.observe(current.hlc);
  const hlc = ctx.hlc.next();
  // A restored delete keeps the record's last data, like any tombstone.
  const data = loser.deleted ? current.data : loser.data;
  const [record] = await rows<RecordRow>(
    tx,
    sql`update records set data = ${JSON.stringify(data)}::jsonb, deleted = ${loser.deleted},
          version = version + 1, hlc = ${hlc}, updated_by = ${caller.id}, device_id = 'server'
        where id = ${conflict.record_id} returning ${cols}`,
  );
  const replaced = {
    data: current.data,
    deleted: current.deleted,
    hlc: current.hlc,
    version: Number(current.version),
    userId: current.updated_by,
    deviceId: current.device_id,
  };
  const [done] = await rows<ConflictRow>(
    tx,
    sql`update sync_conflicts set status = 'resolved', resolved_at = ${resolvedAt}::timestamptz,
          resolved_by = ${caller.id}, resolved_action = 'restore_loser',
          replaced = ${JSON.stringify(replaced)}::jsonb
        where id = ${conflict.id} returning ${CONFLICT_COLUMNS}`,
  );
  return { conflict: done!, record: record! };
}

async function undoRestore(ctx: ServerContext, tx: Tx, caller: Caller, conflict: ConflictRow): Promise<{ conflict: ConflictRow; record: RecordRow }> {
  if (conflict.status !== 'resolved' || conflict.resolved_action !== 'restore_loser' || conflict.replaced === null)
    throw new ApiError(409, 'CONFLICT', 'only a conflict resolved by restoring the loser can be undone');
  const cols = sql.raw(RECORD_COLUMNS);
  const back = toSide(conflict.replaced);
  const subject = restoreSubject(conflict, back);
  const refId = referencedId(subject);
  await lockRecords(tx, refId === undefined ? [conflict.record_id] : [conflict.record_id, refId]);
  const [current] = await rows<RecordRow>(tx, sql`select ${cols} from records where id = ${conflict.record_id} for update`);
  if (!current) throw notFound('the conflict names a record that does not exist');
  // The restore wrote version replaced.version + 1; anything later is someone's newer write.
  if (Number(current.version) !== back.version + 1)
    throw new ApiError(409, 'CONFLICT', 'the record was changed after the restore: undoing it would overwrite that change');
  await checkRestorable(tx, subject, refId);
  ctx.hlc.observe(current.hlc);
  const hlc = ctx.hlc.next();
  const data = back.deleted ? current.data : back.data;
  const [record] = await rows<RecordRow>(
    tx,
    sql`update records set data = ${JSON.stringify(data)}::jsonb, deleted = ${back.deleted},
          version = version + 1, hlc = ${hlc}, updated_by = ${caller.id}, device_id = 'server'
        where id = ${conflict.record_id} returning ${cols}`,
  );
  const [reopened] = await rows<ConflictRow>(
    tx,
    sql`update sync_conflicts set status = 'open', resolved_at = null, resolved_by = null, resolved_action = null, replaced = null
        where id = ${conflict.id} returning ${CONFLICT_COLUMNS}`,
  );
  return { conflict: reopened!, record: record! };
}

/**
 * The loser as a change to the record, for the rules a push of it must keep. The conflict's
 * type and entity are the record's: no write changes either (a push that would is refused).
 */
function restoreSubject(conflict: ConflictRow, loser: ConflictSide): AccessSubject {
  return { type: conflict.type, action: loser.deleted ? 'delete' : 'update', entityId: conflict.entity_id, data: loser.deleted ? undefined : loser.data };
}

/**
 * Throws when the loser, written back over `current`, would break a rule a push of it must
 * keep: a response's assessment (a media record's parent) must exist, in the same entity, and
 * not be deleted. The entity is the record's own, which the caller may resolve for.
 */
async function checkRestorable(tx: Tx, subject: AccessSubject, refId: string | undefined): Promise<void> {
  // FOR SHARE, not KEY SHARE: a delete is an update of non-key columns, which KEY SHARE lets by.
  const [ref] =
    refId === undefined
      ? []
      : await rows<TextRecordRow>(
          tx,
          sql`select id, type, entity_id, version, data::text as data, deleted, hlc, updated_by, device_id from records where id = ${refId} for share`,
        );
  const refused = checkAccess(subject, {
    entityIds: new Set([subject.entityId]),
    lookup: (id) => (ref !== undefined && id === refId ? textRowToState(ref) : undefined),
  });
  if (refused === null) return;
  const message = `the loser cannot be restored: ${refused.message}`;
  if (refused.code === 'NOT_FOUND') throw notFound(message);
  if (refused.code === 'FORBIDDEN') throw forbidden(message);
  throw validation(message);
}
