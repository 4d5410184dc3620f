// GET /api/v1/sync/conflicts?status=open|resolved&entityId=&limit=&cursor= (docs/protocol.md
// "Conflicts"): the conflict log of the entities the caller may see, newest first, a page at a
// time: {conflicts, cursor?, hasMore}. A page holds at most `limit` entries (default 100, at most
// 500) and at most `config.pageBytes` of their JSON, cut in the query (one entry larger than that
// still goes alone), so a log of large records never loads into memory at once.
// An entityId the caller may not see is 403 FORBIDDEN; bad parameters 400 VALIDATION; a cursor
// this listing did not give 400 INVALID_CURSOR.
import { sql } from 'drizzle-orm';
import { CONFLICTS_LIMIT_DEFAULT, type ConflictsPage, ConflictsQuerySchema } from '@/protocol/conflicts';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { ApiError, badRequest, forbidden } from '../../http/api-error';
import { parseWith } from '../../http/read-json';
import { chargeMeteredRequest, chargedJson } from '../../limits/charge';
import { type ConflictPosition, InvalidConflictCursorError, decodeConflictCursor, encodeConflictCursor } from './conflict-cursor';
import { CONFLICT_COLUMNS, type ConflictRow, toConflictEntry } from './conflict-entry';
import { withUserNames } from './user-names';

type PagedRow = ConflictRow & { created_key: string; candidates: number };

export async function listConflicts(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeMeteredRequest(ctx, caller.id);
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const name of ['status', 'entityId', 'limit', 'cursor'] as const) {
    const all = params.getAll(name);
    if (all.length > 1) throw badRequest(`give ${name} at most once`);
    if (all[0] !== undefined) raw[name] = all[0];
  }
  const query = parseWith(ConflictsQuerySchema, raw);
  const entityId = query.entityId?.toLowerCase();
  const visible = caller.entityIds.map((id) => id.toLowerCase());
  if (entityId !== undefined && !visible.includes(entityId)) throw forbidden('that entity is not assigned to you');
  let after: ConflictPosition | undefined;
  try {
    after = query.cursor === undefined ? undefined : decodeConflictCursor(query.cursor);
  } catch (e) {
    if (e instanceof InvalidConflictCursorError) throw new ApiError(400, 'INVALID_CURSOR', `${e.message}; list again without a cursor`);
    throw e;
  }
  const limit = query.limit ?? CONFLICTS_LIMIT_DEFAULT;

  const entities = entityId !== undefined ? [entityId] : visible;
  const found = await rows<PagedRow>(
    ctx.database.db,
    sql`with page as materialized (
          select ${CONFLICT_COLUMNS} from sync_conflicts
          where entity_id = any(${`{${entities.join(',')}}`}::uuid[])
            ${query.status !== undefined ? sql`and status = ${query.status}` : sql``}
            ${after !== undefined ? sql`and (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
          order by created_at desc, id desc
          limit ${limit + 1}::int
        ),
        sized as (
          select page.*,
                 row_number() over w as rn,
                 sum(octet_length(winner::text) + octet_length(loser::text) + coalesce(octet_length(replaced::text), 0)) over w as upto
          from page
          window w as (order by created_at desc, id desc rows between unbounded preceding and current row)
        )
        select ${CONFLICT_COLUMNS},
               to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key,
               (select count(*)::int from page) as candidates
        from sized
        where rn <= ${limit}::int and (rn = 1 or upto <= ${ctx.config.pageBytes}::bigint)
        order by created_at desc, id desc`,
  );
  const candidates = Number(found[0]?.candidates ?? 0);
  const last = found.at(-1);
  const body: ConflictsPage = { conflicts: await withUserNames(ctx.database.db, found.map(toConflictEntry)), hasMore: candidates > found.length };
  if (body.hasMore && last) body.cursor = encodeConflictCursor({ createdAt: last.created_key, id: last.id });
  return chargedJson(ctx, caller.id, body);
}
