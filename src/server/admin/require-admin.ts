// Every admin endpoint starts here: a valid token (401 otherwise), then the role admin (403).
import type { ServerContext } from '../context';
import { type Caller, authenticate, requireRole } from '../auth/authenticate';

export async function requireAdmin(ctx: ServerContext, request: Request): Promise<Caller> {
  const caller = await authenticate(ctx, request);
  requireRole(caller, 'admin');
  return caller;
}
