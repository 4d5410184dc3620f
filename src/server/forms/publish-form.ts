// POST /api/v1/admin/forms {id?, title, entityIds?, definition} → 201 {form}: publishes a form
// version. A new id (or none) gives version 1, an existing id its next version; versions are
// never changed afterwards. An admin may publish for any entities or for all (entityIds null or
// omitted); a coordinator only for entities all assigned to them, and a new version of an
// existing form only when its latest version was theirs to publish too. A body or definition
// the server cannot take → 400 VALIDATION with `details: {path, message}` of the first problem.
// Publications of one form id run one after another (a transaction-scoped advisory lock), so
// two at once get consecutive versions rather than one failing on the primary key.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PublishFormRequestSchema } from '@/protocol/forms';
import { MAX_RECORD_DATA_BYTES } from '@/protocol/limits';
import { type Caller, authenticate, requireRole } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { rows } from '../db/database';
import { ApiError, forbidden, validation } from '../http/api-error';
import { readJson } from '../http/read-json';
import { json } from '../http/respond';
import { chargeRequest } from '../limits/charge';
import { type FormRow, toForm } from './list-forms';

/** A definition is at most a record's data in size; the title and ids come on top. */
const MAX_PUBLISH_BYTES = MAX_RECORD_DATA_BYTES + 64 * 1024;

export async function publishForm(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeRequest(ctx, caller.id);
  requireRole(caller, 'admin', 'coordinator');
  const parsed = PublishFormRequestSchema.safeParse(await readJson(request, MAX_PUBLISH_BYTES));
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw validation('the form cannot be published as sent', { path: first.path.join('.'), message: first.message });
  }
  const body = parsed.data;
  const entityIds = body.entityIds ? [...new Set(body.entityIds.map((id) => id.toLowerCase()))].sort() : null;
  if (!mayPublishFor(caller, entityIds)) throw forbidden(entityIds === null ? 'only an admin publishes a form for every entity' : 'you may publish forms only for your own entities');
  const id = body.id?.toLowerCase() ?? randomUUID();

  const row = await ctx.database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`form:${id}`}, 0))`);
    if (entityIds !== null) {
      const [known] = await rows<{ missing: string[] | null }>(
        tx,
        sql`select array(select x from unnest(${`{${entityIds.join(',')}}`}::uuid[]) x where not exists (select 1 from entities e where e.id = x))::text[] as missing`,
      );
      const missing = known?.missing ?? [];
      if (missing.length > 0) throw new ApiError(404, 'NOT_FOUND', 'no such entity', { entityIds: missing.slice(0, 20) });
    }
    const [latest] = await rows<{ version: number; entity_ids: string[] | null }>(
      tx,
      sql`select version, entity_ids::text[] as entity_ids from forms where id = ${id} order by version desc limit 1`,
    );
    if (latest && !mayPublishFor(caller, latest.entity_ids)) throw forbidden('this form is used outside your entities');
    const [inserted] = await rows<FormRow>(
      tx,
      sql`insert into forms (id, version, title, entity_ids, definition, published_by, published_at)
          values (${id}, ${(latest?.version ?? 0) + 1}, ${body.title},
                  ${entityIds === null ? null : `{${entityIds.join(',')}}`}::uuid[], ${JSON.stringify(body.definition)}::jsonb,
                  ${caller.id}, ${new Date(ctx.clock.now()).toISOString()}::timestamptz)
          returning id, version, title, entity_ids::text[] as entity_ids, definition, published_at`,
    );
    return inserted!;
  });
  ctx.log.info({ by: caller.id, formId: row.id, version: row.version }, 'form published');
  return json(201, { form: toForm(row) });
}

/** An admin publishes for anything; a coordinator for a set of entities all assigned to them. */
function mayPublishFor(caller: Caller, entityIds: readonly string[] | null): boolean {
  if (caller.role === 'admin') return true;
  if (entityIds === null) return false;
  const own = new Set(caller.entityIds);
  return entityIds.every((id) => own.has(id));
}
