// GET /api/v1/sync/status (docs/protocol.md "Status and health"): the server's clock, the caller,
// open conflicts in the caller's entities, the caller's applied writes that another user's later
// write replaced (open conflicts they lost, on any device), when the caller last pushed and
// pulled, and how long an open transaction has held the pull feed back (health/feed-lag.ts).
import { type SQL, sql } from 'drizzle-orm';
import type { SyncStatusResponse } from '@/protocol/status';
import { authenticate } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { measureFeedLag } from '../../health/feed-lag';
import { reportFeedLag } from '../../health/feed-lag-report';
import { json } from '../../http/respond';
import { chargeRequest } from '../../limits/charge';

/** At most this many overwritten records are listed (the rest show when these are resolved). */
export const OVERWRITTEN_LISTED = 1000;

export async function syncStatus(ctx: ServerContext, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeRequest(ctx, caller.id);
  const entityIds = `{${caller.entityIds.join(',')}}`;
  // The last push is the caller's newest idempotency-log entry (write-batch.ts stamps it with the
  // server's clock); the last pull has a row of its own.
  const [row] = await rows<{ open: number; overwritten: string[] | null; last_push: string | null; last_pull: string | null }>(
    ctx.database.db,
    sql`select
          (select count(*)::int from sync_conflicts where status = 'open' and entity_id = any(${entityIds}::uuid[])) as open,
          (select array_agg(o.record_id) from (
             select distinct record_id::text as record_id from sync_conflicts
             where status = 'open' and resolution = 'client_wins' and loser->>'userId' = ${caller.id}
               and winner->>'userId' is distinct from ${caller.id}
             limit ${OVERWRITTEN_LISTED}::int) o) as overwritten,
          (select ${iso(sql`max(created_at)`)} from sync_changes where user_id = ${caller.id}::uuid) as last_push,
          (select ${iso(sql`last_pull_at`)} from sync_activity where user_id = ${caller.id}::uuid) as last_pull`,
  );
  const feedLagSeconds = await measureFeedLag(ctx.database);
  reportFeedLag(ctx, feedLagSeconds);
  const body: SyncStatusResponse = {
    serverHlc: ctx.hlc.current(),
    serverTime: new Date(ctx.clock.now()).toISOString(),
    user: { id: caller.id, email: caller.email, name: caller.name, role: caller.role },
    openConflicts: Number(row?.open ?? 0),
    overwrittenRecordIds: (row?.overwritten ?? []).sort(),
    feedLagSeconds,
  };
  if (row?.last_push) body.lastPush = row.last_push;
  if (row?.last_pull) body.lastPull = row.last_pull;
  return json(200, body);
}

/** A timestamptz as ISO 8601 in UTC with milliseconds, as Date.toISOString writes it. */
function iso(at: SQL): SQL {
  return sql`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
