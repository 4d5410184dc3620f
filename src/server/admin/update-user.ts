// PATCH /api/v1/admin/users/{id} {name?, role?, active?, password?} → 200 {user}: renames,
// changes the role, deactivates (`active: false`: their tokens stop at their next request and
// their password stops working) or reactivates, or resets the password. Admin only. An admin
// cannot deactivate or demote their own account (409 CONFLICT), so a console slip cannot
// lock the last admin out. Unknown user or an id that is not a UUID → 404 NOT_FOUND.
import { eq, sql } from 'drizzle-orm';
import { UpdateUserRequestSchema } from '@/protocol/admin';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import { hashPassword } from '../auth/password';
import type { ServerContext } from '../context';
import { users } from '../db/schema';
import { conflict, notFound } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { readAdminUsers } from './admin-users';
import { idFromPath } from './path-id';
import { refuseNul } from './refuse-nul';
import { requireAdmin } from './require-admin';

const PATH = /\/admin\/users\/([^/]+)\/?$/;

export async function updateUser(ctx: ServerContext, request: Request): Promise<Response> {
  const admin = await requireAdmin(ctx, request);
  const userId = idFromPath(request, PATH, 'user');
  const body = parseWith(UpdateUserRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  refuseNul({ name: body.name });
  if (userId === admin.id && (body.active === false || (body.role !== undefined && body.role !== 'admin')))
    throw conflict('you cannot deactivate or demote your own account');
  const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
  const [row] = await ctx.database.db
    .update(users)
    .set({
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.role === undefined ? {} : { role: body.role }),
      ...(passwordHash === undefined ? {} : { passwordHash }),
      // Deactivating keeps the first time it happened; reactivating clears it.
      ...(body.active === undefined ? {} : { deactivatedAt: body.active ? null : sql`coalesce(${users.deactivatedAt}, now())` }),
    })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (!row) throw notFound('no such user');
  const [user] = await readAdminUsers(ctx.database.db, { id: userId, limit: 1 });
  ctx.log.info({ by: admin.id, userId, fields: Object.keys(body) }, 'user updated');
  return json(200, { user });
}
