// GET /api/v1/sync/status (PROTOCOL.md "Status and health"): the server's clock, the caller,
// open conflicts in the caller's entities, and when the caller last pushed and pulled.
import { eq, sql } from 'drizzle-orm';
import type { SyncStatusResponse } from '@/protocol/status';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { syncActivity } from '../../db/schema';
import { json } from '../../http/respond';

export async function syncStatus(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  const db = ctx.database.db;
  const entityIds = `{${caller.entityIds.join(',')}}`;
  const [open] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from sync_conflicts where status = 'open' and entity_id = any(${entityIds}::uuid[])`,
  );
  const [activity] = await db.select().from(syncActivity).where(eq(syncActivity.userId, caller.id));
  const body: SyncStatusResponse = {
    serverHlc: ctx.hlc.current(),
    serverTime: new Date(ctx.clock.now()).toISOString(),
    user: { id: caller.id, email: caller.email, name: caller.name, role: caller.role },
    openConflicts: Number(open?.n ?? 0),
  };
  if (activity?.lastPushAt) body.lastPush = activity.lastPushAt.toISOString();
  if (activity?.lastPullAt) body.lastPull = activity.lastPullAt.toISOString();
  return json(200, body);
}
