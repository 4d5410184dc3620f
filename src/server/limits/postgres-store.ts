// Rate-limit state in PostgreSQL, shared by every instance on the database: one statement per
// consume, the GCRA step of core/gcra.ts as an upsert whose WHERE admits or denies it, so that
// concurrent consumes of one key queue on its row and none is lost. Rows whose budget is whole
// again are deleted at most once a minute per instance.
import { sql } from 'drizzle-orm';
import { type Db, prepared } from '../db/database';
import { type LimitStore, SWEEP_EVERY_US } from './store';

export function postgresStore(db: Db, onSweepError: (e: unknown) => void = () => {}): LimitStore {
  let lastSweep = 0;
  const sweep = (nowUs: number) => {
    if (nowUs - lastSweep < SWEEP_EVERY_US) return;
    lastSweep = nowUs;
    db.execute(sql`delete from rate_limits where tat <= ${nowUs}::bigint`).catch(onSweepError);
  };
  return {
    consume: async (key, nowUs, cost, { burst, intervalUs }) => {
      sweep(nowUs);
      const now = sql`${nowUs}::bigint`;
      const step = sql`${cost}::bigint * ${intervalUs}::bigint`;
      const limit = sql`${now} + ${burst}::bigint * ${intervalUs}::bigint`;
      // `prev` reads the snapshot from before the upsert: the state a denial is measured against.
      const [row] = await prepared<{ tat: string | number | null; prev: string | number | null }>(
        db,
        sql`with prev as (select tat from rate_limits where key = ${key}),
                 up as (
                   insert into rate_limits as r (key, tat)
                   select ${key}, ${now} + ${step} where ${now} + ${step} <= ${limit}
                   on conflict (key) do update set tat = greatest(r.tat, ${now}) + ${step}
                     where greatest(r.tat, ${now}) + ${step} <= ${limit}
                   returning tat)
            select (select tat from up) as tat, (select tat from prev) as prev`,
      );
      if (row?.tat !== null && row?.tat !== undefined) return { allowed: true };
      const prev = row?.prev === null || row?.prev === undefined ? nowUs : Math.max(Number(row.prev), nowUs);
      return { allowed: false, retryAfterUs: Math.max(1, prev + cost * intervalUs - (nowUs + burst * intervalUs)) };
    },
    refund: async (key, _nowUs, cost, { intervalUs }) => {
      await db.execute(sql`update rate_limits set tat = tat - ${cost}::bigint * ${intervalUs}::bigint where key = ${key}`);
    },
    close: async () => {},
  };
}
