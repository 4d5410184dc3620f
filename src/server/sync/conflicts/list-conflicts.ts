// GET /api/v1/sync/conflicts?status=open|resolved&entityId= (PROTOCOL.md "Conflicts"): the
// conflict log of the entities the caller may see, newest first, at most MAX_LISTED entries.
// An entityId the caller may not see is 403 FORBIDDEN; bad parameters 400 VALIDATION.
import { sql } from 'drizzle-orm';
import { ConflictsQuerySchema } from '@/protocol/conflicts';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { badRequest, forbidden } from '../../http/api-error';
import { parseWith } from '../../http/read-json';
import { json } from '../../http/respond';
import { CONFLICT_COLUMNS, type ConflictRow, toConflictEntry } from './conflict-entry';

export const MAX_LISTED = 500;

export async function listConflicts(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const name of ['status', 'entityId'] as const) {
    const all = params.getAll(name);
    if (all.length > 1) throw badRequest(`give ${name} at most once`);
    if (all[0] !== undefined) raw[name] = all[0];
  }
  const query = parseWith(ConflictsQuerySchema, raw);
  const entityId = query.entityId?.toLowerCase();
  const visible = caller.entityIds.map((id) => id.toLowerCase());
  if (entityId !== undefined && !visible.includes(entityId)) throw forbidden('that entity is not assigned to you');

  const entities = entityId !== undefined ? [entityId] : visible;
  const found = await rows<ConflictRow>(
    ctx.database.db,
    sql`select ${CONFLICT_COLUMNS} from sync_conflicts
        where entity_id = any(${`{${entities.join(',')}}`}::uuid[])
          ${query.status !== undefined ? sql`and status = ${query.status}` : sql``}
        order by created_at desc, id desc
        limit ${MAX_LISTED}::int`,
  );
  return json(200, { conflicts: found.map(toConflictEntry) });
}
