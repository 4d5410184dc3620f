// GET /api/v1/sync/pull?cursor=&limit= (docs/protocol.md "Pull"): a page of the caller's feed,
// the entity list when it changed, entities lost since the cursor, and the next cursor.
// The feed rules are in pull-feed.ts (no gaps, bytes per page) and pull-plan.ts (assignment
// changes). A page ends early, with hasMore, once `config.pageBytes` of record data is in it.
import { sql } from 'drizzle-orm';
import type { Entity, PullResponse } from '@/protocol/pull';
import type { ServerContext } from '../../context';
import { rows } from '../../db/database';
import { syncActivity } from '../../db/schema';
import { ApiError } from '../../http/api-error';
import { chargeMeteredRequest, chargedJson } from '../../limits/charge';
import { toSyncRecord } from '../record-row';
import { notePullFeedLag } from '../../health/feed-lag-report';
import { normalizeIds } from './entity-set';
import { loadPullCaller, olderXid } from './pull-caller';
import { type CursorState, InvalidCursorError, cursorKey, decodeCursor, encodeCursor } from './pull-cursor';
import { readFeed } from './pull-feed';
import { type PullPlan, nextCursor, planPull } from './pull-plan';
import { parsePullParams } from './pull-query';

const invalidCursor = (message: string) =>
  new ApiError(400, 'INVALID_CURSOR', `${message}; pull again without a cursor`);

export async function pull(ctx: ServerContext, request: Request): Promise<Response> {
  const { caller, setXmin } = await loadPullCaller(ctx, request);
  await chargeMeteredRequest(ctx, caller.id);
  const params = parsePullParams(new URL(request.url).searchParams);
  const key = cursorKey(ctx.tokens.key);

  let plan: PullPlan;
  let cursor: CursorState | undefined;
  try {
    cursor = params.cursor === undefined ? undefined : decodeCursor(key, params.cursor, caller.id);
    plan = planPull(cursor, normalizeIds(caller.entityIds), caller.role === 'admin');
  } catch (e) {
    if (e instanceof InvalidCursorError) throw invalidCursor(e.message);
    throw e;
  }

  const db = ctx.database.db;
  const page = await readFeed(db, plan, cursor?.watermark, params.limit + 1, ctx.config.pageBytes);
  // A cursor from the future was made on another database (or before a restore from backup):
  // following it would skip every write until the transaction ids caught up.
  if (cursor && BigInt(cursor.watermark) > BigInt(page.xmax)) throw invalidCursor('the cursor is from another database');
  const served = page.rows.slice(0, params.limit);
  const servedCatchUp = served.filter((r) => r.phase === 0).length;
  const lastOf = (phase: 0 | 1) => served.filter((r) => r.phase === phase).at(-1)?.position;
  const next = nextCursor(caller.id, plan, {
    xmin: olderXid(setXmin, page.xmin),
    lastCatchUp: lastOf(0),
    // The query took up to limit+1 catch-up rows: at most `limit`, all served, means none are left.
    catchUpDone: page.catchUpCandidates <= params.limit && servedCatchUp === page.catchUpCandidates,
    lastMain: lastOf(1),
  });

  const sendEntities = plan.firstPull || plan.setChanged || page.entitiesChanged;
  const entities = sendEntities ? await listEntities(ctx, plan.entityIds) : [];
  const removedEntityIds =
    plan.removed.kind === 'ids'
      ? [...plan.removed.ids]
      : plan.removed.kind === 'recorded'
        ? await removedSince(ctx, caller.id, plan.entityIds, plan.removed.since)
        : await entitiesOutside(ctx, plan.entityIds);

  await db
    .insert(syncActivity)
    .values({ userId: caller.id, lastPullAt: new Date(ctx.clock.now()) })
    .onConflictDoUpdate({ target: syncActivity.userId, set: { lastPullAt: new Date(ctx.clock.now()) } });

  // serverHlc is later than every stamp served, so the device's next edit sorts after them.
  const latest = served.reduce<string | undefined>((m, r) => (m === undefined || r.hlc > m ? r.hlc : m), undefined);
  if (latest !== undefined) ctx.hlc.observe(latest);

  const body: PullResponse = {
    changes: served.map(toSyncRecord),
    entities,
    removedEntityIds,
    cursor: encodeCursor(key, next),
    hasMore: page.candidates > served.length,
    serverHlc: ctx.hlc.current(),
  };
  notePullFeedLag(ctx);
  const response = await chargedJson(ctx, caller.id, body);
  ctx.metrics.recordsPulled.inc(served.length);
  return response;
}

const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

async function listEntities(ctx: ServerContext, ids: readonly string[]): Promise<Entity[]> {
  return rows<Entity>(
    ctx.database.db,
    sql`select id, name, kind from entities where id = any(${uuidArray(ids)}::uuid[]) order by name, id`,
  );
}

/** Every entity outside `ids`: what a user who could see every entity, by role, lost with it. */
async function entitiesOutside(ctx: ServerContext, ids: readonly string[]): Promise<string[]> {
  const found = await rows<{ id: string }>(
    ctx.database.db,
    sql`select id from entities where not (id = any(${uuidArray(ids)}::uuid[])) order by id`,
  );
  return found.map((r) => r.id);
}

/**
 * The entities this user lost at or after transaction `since` and does not have now: the removed
 * set when the cursor's old set is known only by hash. Only entities once assigned to the user.
 */
async function removedSince(ctx: ServerContext, userId: string, current: readonly string[], since: string): Promise<string[]> {
  const found = await rows<{ id: string }>(
    ctx.database.db,
    sql`select distinct entity_id as id from assignment_removals
        where user_id = ${userId}::uuid and txid >= ${since}::xid8 and not (entity_id = any(${uuidArray(current)}::uuid[]))
        order by id`,
  );
  return found.map((r) => r.id);
}
