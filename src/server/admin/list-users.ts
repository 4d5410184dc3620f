// GET /api/v1/admin/users?after=&limit= → 200 {users, next?}, ordered by email. An admin sees
// everyone; a coordinator sees the people assigned to their own entities, with only those
// entities (read-only: every change is admin-only); anyone else → 403 FORBIDDEN.
import type { AdminUsersResponse } from '@/protocol/admin';
import { authenticate, requireRole } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { json } from '../http/respond';
import { readAdminUsers } from './admin-users';
import { listQuery } from './list-query';
import { refuseNul } from './refuse-nul';

export async function listUsers(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  requireRole(caller, 'admin', 'coordinator');
  const query = listQuery(request);
  refuseNul({ after: query.after });
  const found = await readAdminUsers(ctx.database.db, {
    ...(caller.role === 'admin' ? {} : { within: caller.entityIds }),
    ...(query.after === undefined ? {} : { afterEmail: query.after.trim().toLowerCase() }),
    limit: query.limit + 1,
  });
  const page = found.slice(0, query.limit);
  const body: AdminUsersResponse = { users: page };
  if (found.length > query.limit) body.next = page[page.length - 1]!.email;
  return json(200, body);
}
