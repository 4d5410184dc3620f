// The feed query: one SQL statement, so one snapshot, serves a page of the catch-up phase and
// then the main feed.
//
// No gaps (docs/INVARIANTS.md, invariant 6): a row's position is (txid, seq) of the transaction that
// last wrote it, but transactions commit in any order, so a cursor that moved past position
// P could later see a transaction with a smaller txid commit. The main feed therefore serves
// only rows of transactions older than the oldest one still running (txid < xmin of the
// statement's snapshot): all of those have ended, so no row can appear behind the cursor
// later. Rows of newer transactions wait for a later pull.
//
// A page is bounded in bytes as well as rows: the statement keeps the rows whose running total
// of data bytes stays within the budget (the first row always, so the feed moves on past a
// record larger than the budget), and the server never loads more than that from the database.
import { sql } from 'drizzle-orm';
import { type Executor, prepared } from '../../db/database';
import { RECORD_COLUMNS, type RecordRow } from '../record-row';
import type { FeedPosition } from './pull-cursor';
import type { PullPlan } from './pull-plan';

export interface FeedRow extends RecordRow {
  /** 0: catch-up, 1: main feed. */
  readonly phase: 0 | 1;
  readonly position: FeedPosition;
}

export interface FeedPage {
  /** xmin of the statement's snapshot. */
  readonly xmin: string;
  /** xmax of the statement's snapshot: no transaction id is at or past it yet. */
  readonly xmax: string;
  /** An entity of the plan's set was written (created or renamed) at or after `watermark`. */
  readonly entitiesChanged: boolean;
  /** Up to `take` rows, catch-up first, each in feed order, cut where the byte budget ran out. */
  readonly rows: readonly FeedRow[];
  /** Rows of the page before the byte cut (at most `take`), and how many of them were catch-up rows. */
  readonly candidates: number;
  readonly catchUpCandidates: number;
}

type Raw = RecordRow & {
  xmin: string;
  xmax: string;
  entities_changed: boolean;
  candidates: number;
  catch_up_candidates: number;
  phase: number | null;
  pos_txid: string;
  pos_seq: string;
  content_available: boolean | null;
};

/** Postgres array literal of uuids (ids come from the database, already validated). */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;
const COLUMNS = sql.raw(RECORD_COLUMNS);

/** Up to `take` rows, and no more than `budget` bytes of record data (the first row aside). */
export async function readFeed(
  ex: Executor,
  plan: PullPlan,
  watermark: string | undefined,
  take: number,
  budget: number,
): Promise<FeedPage> {
  const main = plan.main;
  const cu = plan.catchUp;
  const cuFrom = cu?.from ?? main;
  const changed = watermark === undefined
    ? sql`false`
    : sql`exists (select 1 from entities e where e.id = any(${uuidArray(plan.entityIds)}::uuid[]) and e.txid >= ${watermark}::xid8)`;
  const result = await prepared<Raw>(
    ex,
    sql`with snap as materialized (
        select pg_snapshot_xmin(pg_current_snapshot()) as xmin, pg_snapshot_xmax(pg_current_snapshot()) as xmax
      ),
      catch_up as (
        select 0 as phase, ${COLUMNS}, txid as tx, seq as sq from records r
        where r.entity_id = any(${uuidArray(cu?.entityIds ?? [])}::uuid[])
          and (r.txid, r.seq) > (${cuFrom.txid}::xid8, ${cuFrom.seq}::bigint)
          and (r.txid, r.seq) <= (${main.txid}::xid8, ${main.seq}::bigint)
        order by r.txid, r.seq limit ${take}::int
      ),
      feed as (
        select 1 as phase, ${COLUMNS}, txid as tx, seq as sq from records r
        where r.entity_id = any(${uuidArray(plan.entityIds)}::uuid[])
          and (r.txid, r.seq) > (${main.txid}::xid8, ${main.seq}::bigint)
          and r.txid < (select xmin from snap)
        order by r.txid, r.seq limit ${take}::int
      ),
      page as materialized (
        select * from (select * from catch_up union all select * from feed) u
        order by u.phase, u.tx, u.sq limit ${take}::int
      ),
      sized as (
        select page.*,
               row_number() over w as rn,
               sum(octet_length(page.data::text)) over w as upto
        from page
        window w as (order by page.phase, page.tx, page.sq rows between unbounded preceding and current row)
      ),
      kept as (select * from sized where rn = 1 or upto <= ${budget}::bigint)
      select (select xmin::text from snap) as xmin, (select xmax::text from snap) as xmax, ${changed} as entities_changed,
             (select count(*)::int from page) as candidates,
             (select count(*)::int from page where page.phase = 0) as catch_up_candidates,
             kept.id, kept.type, kept.entity_id, kept.version, kept.data, kept.deleted, kept.hlc, kept.updated_by, kept.device_id,
             kept.phase, kept.tx::text as pos_txid, kept.sq::text as pos_seq,
             -- Media records only: whether content matching the record's sha256 is stored.
             case when kept.type = 'media' then exists (
               select 1 from media_content mc where mc.media_id = kept.id and mc.sha256 = kept.data->>'sha256'
             ) end as content_available
      from (select 1) one left join kept on true
      order by kept.phase, kept.tx, kept.sq`,
  );
  const first = result[0];
  if (!first) throw new Error('feed query returned no row');
  const feedRows: FeedRow[] = [];
  for (const r of result) {
    if (r.phase === null) continue;
    feedRows.push({
      id: r.id,
      type: r.type,
      entity_id: r.entity_id,
      version: r.version,
      data: r.data,
      deleted: r.deleted,
      hlc: r.hlc,
      updated_by: r.updated_by,
      device_id: r.device_id,
      content_available: r.content_available,
      phase: r.phase === 0 ? 0 : 1,
      position: { txid: r.pos_txid, seq: r.pos_seq },
    });
  }
  return {
    xmin: first.xmin,
    xmax: first.xmax,
    entitiesChanged: first.entities_changed,
    rows: feedRows,
    candidates: Number(first.candidates),
    catchUpCandidates: Number(first.catch_up_candidates),
  };
}
