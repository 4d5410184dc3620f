// The query of the admin lists (?after=&limit=), each parameter at most once.
import { type AdminListQuery, AdminListQuerySchema } from '@/protocol/admin';
import { badRequest } from '../http/api-error';
import { parseWith } from '../http/read-json';

export function listQuery(request: Request): AdminListQuery {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const name of ['after', 'limit'] as const) {
    const all = params.getAll(name);
    if (all.length > 1) throw badRequest(`give ${name} at most once`);
    if (all[0] !== undefined) raw[name] = all[0];
  }
  return parseWith(AdminListQuerySchema, raw);
}
