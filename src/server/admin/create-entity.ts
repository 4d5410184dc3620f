// POST /api/v1/admin/entities {id?, name, kind} → 201 {entity}. The id is generated unless
// given; an id that exists → 409 CONFLICT.
import { CreateEntityRequestSchema } from '@/protocol/admin';
import { MAX_SMALL_BODY_BYTES } from '@/protocol/limits';
import type { ServerContext } from '../context';
import { entities } from '../db/schema';
import { conflict } from '../http/api-error';
import { parseWith, readJson } from '../http/read-json';
import { json } from '../http/respond';
import { refuseNul } from './refuse-nul';
import { requireAdmin } from './require-admin';

export async function createEntity(ctx: ServerContext, request: Request): Promise<Response> {
  const admin = await requireAdmin(ctx, request);
  const body = parseWith(CreateEntityRequestSchema, await readJson(request, MAX_SMALL_BODY_BYTES));
  refuseNul({ name: body.name, kind: body.kind });
  const [row] = await ctx.database.db
    .insert(entities)
    .values({ ...(body.id === undefined ? {} : { id: body.id.toLowerCase() }), name: body.name, kind: body.kind })
    .onConflictDoNothing({ target: entities.id })
    .returning({ id: entities.id, name: entities.name, kind: entities.kind });
  if (!row) throw conflict(`an entity with the id ${body.id ?? ''} already exists`);
  ctx.log.info({ by: admin.id, entityId: row.id }, 'entity created');
  return json(201, { entity: row });
}
