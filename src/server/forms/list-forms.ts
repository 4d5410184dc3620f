// GET /api/v1/forms → 200 {forms} with an ETag, or 304 when If-None-Match names it: every
// published version of every form usable in the caller's entities (an admin: all of them).
// The ETag is computed in the database over the visible versions only (their count, the latest
// publication and a digest of their keys), so a revalidation that finds nothing new sends no
// definitions; a change of the caller's assignments changes the visible set, and so the tag.
import { type SQL, sql } from 'drizzle-orm';
import type { Form, FormDefinition, FormsResponse } from '@/protocol/forms';
import { type Caller, authenticate } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { rows } from '../db/database';
import { chargeMeteredRequest, chargedJson } from '../limits/charge';

export async function listForms(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeMeteredRequest(ctx, caller.id);
  const visible = visibleTo(caller);
  const [summary] = await rows<{ n: number; latest: string | null; digest: string | null }>(
    ctx.database.db,
    sql`select count(*)::int as n, (extract(epoch from max(published_at)) * 1000000)::bigint::text as latest,
          md5(string_agg(id::text || ':' || version::text, ',' order by id, version)) as digest
        from forms where ${visible}`,
  );
  const etag = `"forms-${summary?.n ?? 0}-${summary?.latest ?? 0}-${(summary?.digest ?? '').slice(0, 16)}"`;
  if (matches(request.headers.get('if-none-match'), etag)) {
    // The request's unit of work, which chargedJson would otherwise have taken.
    await ctx.limits.work.consume(caller.id, 1);
    return new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': 'no-cache' } });
  }
  const found = await rows<FormRow>(
    ctx.database.db,
    sql`select id, version, title, entity_ids::text[] as entity_ids, definition, published_at from forms where ${visible} order by id, version`,
  );
  const body: FormsResponse = { forms: found.map(toForm) };
  const res = await chargedJson(ctx, caller.id, body);
  res.headers.set('ETag', etag);
  return res;
}

/** Forms for every entity, and, but for an admin, only those naming one of the caller's entities. */
function visibleTo(caller: Caller): SQL {
  if (caller.role === 'admin') return sql`true`;
  return sql`(entity_ids is null or entity_ids && ${`{${caller.entityIds.join(',')}}`}::uuid[])`;
}

/** If-None-Match: a list of tags (weak or strong), or `*`. */
function matches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export interface FormRow {
  id: string;
  version: number;
  title: string;
  entity_ids: string[] | null;
  definition: FormDefinition | string;
  published_at: Date | string;
}

export function toForm(r: FormRow): Form {
  return {
    id: r.id,
    version: Number(r.version),
    title: r.title,
    entityIds: r.entity_ids,
    definition: typeof r.definition === 'string' ? (JSON.parse(r.definition) as FormDefinition) : r.definition,
    publishedAt: new Date(r.published_at).toISOString(),
  };
}
