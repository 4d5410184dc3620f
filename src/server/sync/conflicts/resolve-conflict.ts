// POST /api/v1/sync/resolve {conflictId, action} (PROTOCOL.md "Conflicts"), for a coordinator
// assigned to the conflict's entity or an admin.
//   accept         → the entry is marked resolved; the record is not touched.
//   restore_loser  → in the same transaction, the loser (its data, or its delete) is written
//                    as a new version on top of the record's current one, stamped by the
//                    server's clock after the current stamp, so it wins and syncs like any
//                    write; the version it replaced is kept in the entry (`replaced`).
// The conflict row is locked first (select … for update), so of two concurrent resolves one
// succeeds and the other sees it resolved: 409 ALREADY_RESOLVED.
import { sql } from 'drizzle-orm';
import { type ResolveResponse, ResolveRequestSchema } from '@/protocol/conflicts';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import { IdSchema } from '@/protocol/records';
import { type Caller, authenticate, requireRole } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { type Tx, rows } from '../../db/database';
import { ApiError, forbidden, notFound } from '../../http/api-error';
import { parseWith, readJson } from '../../http/read-json';
import { json } from '../../http/respond';
import { lockRecords } from '../push/lock-records';
import { RECORD_COLUMNS, type RecordRow, toSyncRecord } from '../record-row';
import { CONFLICT_COLUMNS, type ConflictRow, toConflictEntry, toSide } from './conflict-entry';

const alreadyResolved = () => new ApiError(409, 'ALREADY_RESOLVED', 'this conflict is already resolved');

export async function resolveConflict(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  requireRole(caller, 'coordinator', 'admin');
  const body = parseWith(ResolveRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  if (!IdSchema.safeParse(body.conflictId).success) throw notFound('no such conflict');
  const conflictId = body.conflictId.toLowerCase();

  const result = await ctx.database.db.transaction(async (tx) => {
    const [conflict] = await rows<ConflictRow>(
      tx,
      sql`select ${CONFLICT_COLUMNS} from sync_conflicts where id = ${conflictId} for update`,
    );
    if (!conflict) throw notFound('no such conflict');
    if (!mayResolve(caller, conflict.entity_id)) throw forbidden('that entity is not assigned to you');
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
  });

  const response: ResolveResponse = { conflict: toConflictEntry(result.conflict) };
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
  // The same per-record lock as push, so a restore and a batch touching the record take turns.
  await lockRecords(tx, [conflict.record_id]);
  const [current] = await rows<RecordRow>(tx, sql`select ${cols} from records where id = ${conflict.record_id} for update`);
  if (!current) throw notFound('the conflict names a record that does not exist');
  const loser = toSide(conflict.loser);
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
