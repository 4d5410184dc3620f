// The caller of a pull, read in one statement with the xmin of that statement's snapshot. A
// removal of an assignment that this read did not see was made by a transaction at or past that
// xmin, so a cursor whose watermark is no later than it finds every such removal afterwards
// (assignment_removals, listed by pull.ts when the cursor knows its set only by hash).
import { sql } from 'drizzle-orm';
import { type Caller, type CallerRow, callerQuery, toCaller, verifyBearer } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import { prepared } from '../../db/database';

export interface PullCaller {
  readonly caller: Caller;
  /** xmin of the snapshot the caller's entities were read in (decimal). */
  readonly setXmin: string;
}

export async function loadPullCaller(ctx: ServerContext, request: Request): Promise<PullCaller> {
  const userId = await verifyBearer(ctx, request);
  const [row] = await prepared<CallerRow & { set_xmin: string }>(
    ctx.database.db,
    sql`select c.*, pg_snapshot_xmin(pg_current_snapshot())::text as set_xmin from (${callerQuery(userId)}) c`,
  );
  return { caller: toCaller(row), setXmin: row?.set_xmin ?? '0' };
}

/** The smaller of two transaction ids given as decimal strings. */
export function olderXid(a: string, b: string): string {
  return BigInt(a) <= BigInt(b) ? a : b;
}
