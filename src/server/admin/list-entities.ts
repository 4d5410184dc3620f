// GET /api/v1/admin/entities?after=&limit= → 200 {entities, next?}, ordered by name then id
// (`after` is the last entity id of the previous page). An admin sees every entity, a
// coordinator their own; anyone else → 403 FORBIDDEN.
import { sql } from 'drizzle-orm';
import type { AdminEntitiesResponse } from '@/protocol/admin';
import type { Entity } from '@/protocol/pull';
import { IdSchema } from '@/protocol/records';
import { authenticate, requireRole } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { rows } from '../db/database';
import { validation } from '../http/api-error';
import { json } from '../http/respond';
import { listQuery } from './list-query';

export async function listEntities(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  requireRole(caller, 'admin', 'coordinator');
  const query = listQuery(request);
  if (query.after !== undefined && !IdSchema.safeParse(query.after).success)
    throw validation('the request does not match the protocol', [{ path: 'after', message: 'an entity id' }]);
  const after = query.after?.toLowerCase();
  const found = await rows<Entity>(
    ctx.database.db,
    sql`select e.id, e.name, e.kind from entities e
        where true
          ${caller.role === 'admin' ? sql`` : sql`and e.id = any(${`{${caller.entityIds.join(',')}}`}::uuid[])`}
          ${after === undefined ? sql`` : sql`and (e.name, e.id) > (select name, id from entities where id = ${after})`}
        order by e.name, e.id
        limit ${query.limit + 1}::int`,
  );
  const page = found.slice(0, query.limit);
  const body: AdminEntitiesResponse = { entities: page };
  if (found.length > query.limit) body.next = page[page.length - 1]!.id;
  return json(200, body);
}
