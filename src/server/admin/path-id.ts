// The `{id}` segment of an admin path such as /api/v1/admin/users/{id}. Route files have no
// params (the Node server routes by table), so handlers read it from the URL. Anything that is
// not a UUID is a 404 for that thing, like an unknown one: never a database error.
import { IdSchema } from '@/protocol/records';
import { notFound } from '../http/api-error';

export function idFromPath(request: Request, pattern: RegExp, what: string): string {
  const segment = pattern.exec(new URL(request.url).pathname)?.[1];
  let id: string | undefined;
  try {
    id = segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    id = undefined;
  }
  if (id === undefined || !IdSchema.safeParse(id).success) throw notFound(`no such ${what}`);
  return id.toLowerCase();
}
