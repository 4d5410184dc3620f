// PUT /api/v1/admin/users/{id}/assignments {entityIds} → 200 {entityIds}: replaces the user's
// whole set in one transaction. The route file has no params: the id comes from the URL path.
// An id that is not a UUID, an unknown user, or an unknown entity → 404 NOT_FOUND (nothing
// changes). The user's row is locked first, so concurrent replacements of one user's set run
// one after the other instead of colliding on the primary key. Only the entities that leave the
// set are deleted: each deletion is recorded as a removal (assignment_removals, by trigger), which
// pulls then report to that user's devices, so unchanged entities must not look removed.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { AssignmentsRequestSchema } from '@/protocol/admin';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { rows } from '../db/database';
import { assignments, entities } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { idFromPath } from './path-id';
import { requireAdmin } from './require-admin';

const PATH = /\/admin\/users\/([^/]+)\/assignments\/?$/;

export async function replaceAssignments(ctx: ServerContext, request: Request): Promise<Response> {
  const admin = await requireAdmin(ctx, request);
  const userId = idFromPath(request, PATH, 'user');
  const body = parseWith(AssignmentsRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  const wanted = [...new Set(body.entityIds.map((id) => id.toLowerCase()))].sort();
  const entityIds = await ctx.database.db.transaction(async (tx) => {
    const [user] = await rows<{ id: string }>(tx, sql`select id from users where id = ${userId} for update`);
    if (!user) throw notFound('no such user');
    if (wanted.length > 0) {
      const found = await tx.select({ id: entities.id }).from(entities).where(inArray(entities.id, wanted));
      const known = new Set(found.map((e) => e.id));
      const missing = wanted.filter((id) => !known.has(id));
      if (missing.length > 0) throw new ApiError(404, 'NOT_FOUND', 'no such entity', { entityIds: missing.slice(0, 20) });
    }
    await tx
      .delete(assignments)
      .where(wanted.length > 0 ? and(eq(assignments.userId, userId), notInArray(assignments.entityId, wanted)) : eq(assignments.userId, userId));
    if (wanted.length > 0)
      await tx
        .insert(assignments)
        .values(wanted.map((entityId) => ({ userId, entityId })))
        .onConflictDoNothing();
    const now = await tx
      .select({ id: assignments.entityId })
      .from(assignments)
      .where(eq(assignments.userId, userId))
      .orderBy(assignments.entityId);
    return now.map((a) => a.id);
  });
  ctx.log.info({ by: admin.id, userId, entities: entityIds.length }, 'assignments replaced');
  return json(200, { entityIds });
}
