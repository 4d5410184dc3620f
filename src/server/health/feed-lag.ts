// How long the pull feed has been held back: the age in seconds of the oldest transaction that
// holds a transaction id and is still open anywhere on the PostgreSQL cluster. The feed serves
// only writes of transactions older than every running one (pull-feed.ts), and that horizon is
// cluster-wide, so one session left "idle in transaction", even in another database, stalls
// every pull for as long as it stays open. Prepared transactions count too. PGlite has a single
// connection, so nothing else can hold it: 0.
//
// Sessions of other database roles show their transaction fields only to a superuser or a role
// with pg_read_all_stats; without that, their transactions are not seen here.
import { sql } from 'drizzle-orm';
import { type Database, rows } from '../db/database';

export async function measureFeedLag(database: Database): Promise<number> {
  if (database.kind === 'pglite') return 0;
  const [row] = await rows<{ lag: number | string | null }>(
    database.db,
    sql`select extract(epoch from clock_timestamp() - min(started))::float8 as lag from (
          select xact_start as started from pg_stat_activity
          where backend_xid is not null and xact_start is not null and pid <> pg_backend_pid()
          union all
          select prepared from pg_prepared_xacts
        ) held`,
  );
  const lag = Number(row?.lag ?? 0);
  return Number.isFinite(lag) && lag > 0 ? Math.round(lag * 10) / 10 : 0;
}
