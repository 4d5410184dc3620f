// Every admin endpoint starts here: a valid token (401 otherwise), then the role admin (403).
import type { ServerContext } from '../context';
import { type Caller, authenticate, requireRole } from '../auth/authenticate';
import { chargeRequest } from '../limits/charge';

export async function requireAdmin(ctx: ServerContext, request: Request): Promise<Caller> {
  const caller = await authenticate(ctx, request);
  await chargeRequest(ctx, caller.id);
  requireRole(caller, 'admin');
  return caller;
}
