// PATCH /api/v1/admin/entities/{id} {name} → 200 {entity}. Admin only. The entity's feed
// position moves with the write (by trigger), so the next pull of its users carries the name.
// Unknown entity or an id that is not a UUID → 404 NOT_FOUND.
import { eq } from 'drizzle-orm';
import { RenameEntityRequestSchema } from '@/protocol/admin';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { entities } from '../db/schema';
import { notFound } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { idFromPath } from './path-id';
import { refuseNul } from './refuse-nul';
import { requireAdmin } from './require-admin';

const PATH = /\/admin\/entities\/([^/]+)\/?$/;

export async function renameEntity(ctx: ServerContext, request: Request): Promise<Response> {
  const admin = await requireAdmin(ctx, request);
  const entityId = idFromPath(request, PATH, 'entity');
  const body = parseWith(RenameEntityRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  refuseNul({ name: body.name });
  const [row] = await ctx.database.db
    .update(entities)
    .set({ name: body.name })
    .where(eq(entities.id, entityId))
    .returning({ id: entities.id, name: entities.name, kind: entities.kind });
  if (!row) throw notFound('no such entity');
  ctx.log.info({ by: admin.id, entityId }, 'entity renamed');
  return json(200, { entity: row });
}
