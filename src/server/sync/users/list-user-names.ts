// GET /api/v1/sync/users (docs/protocol.md "Names of users"): the id and name of every user who
// may have written a record the caller sees: the caller, everyone assigned to one of the
// caller's entities, and the admins (who may write in every entity). Deactivated users stay
// listed, as their records keep their id. Ids and names only: no email, role or assignment.
import { sql } from 'drizzle-orm';
import { USER_NAMES_MAX, type UserName, type UserNamesResponse } from '@/protocol/users';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { chargeMeteredRequest, chargedJson } from '../../limits/charge';

export async function listUserNames(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeMeteredRequest(ctx, caller.id);
  const entityIds = `{${caller.entityIds.join(',')}}`;
  const users = await rows<UserName>(
    ctx.database.db,
    sql`select u.id::text as id, u.name from users u
        where u.id = ${caller.id}::uuid
           or u.role = 'admin'
           or exists (select 1 from assignments a where a.user_id = u.id and a.entity_id = any(${entityIds}::uuid[]))
        order by u.id = ${caller.id}::uuid desc, u.id
        limit ${USER_NAMES_MAX}::int`,
  );
  const body: UserNamesResponse = { users };
  return chargedJson(ctx, caller.id, body);
}
