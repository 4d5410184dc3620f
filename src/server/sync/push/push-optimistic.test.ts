import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushResponse } from '@/protocol/push';
import { type Database, rows } from '../../db/database';
import { isRetryableTransactionError } from '../../db/errors';
import { testDatabases } from '../../db/test-databases';
import { type PushKit, change, countRows, pushKit, storedRecord, watchedDatabase } from './push-test-kit';

// A push first reads without locks and writes in one statement. These tests make another
// writer land exactly between that read and that write (by holding the write back until the
// other push has committed), then check that the statement undid itself and the batch ran
// again under locks, deciding from what the other writer left.

/** The database with a hook that runs before the first write statement of a push. */
function interceptedDatabase(database: Database, beforeWrite: () => Promise<void>): { database: Database; writes: () => number } {
  let writes = 0;
  const watched = watchedDatabase(database, {
    beforeExecute: async (query) => {
      if (!JSON.stringify(query).includes('fieldsync_expect_rows')) return;
      if (++writes === 1) await beforeWrite();
    },
  });
  return { database: watched, writes: () => writes };
}

describe.each(testDatabases())('an optimistic push that loses a race on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  beforeAll(async () => {
    database = await factory.create();
    kit = await pushKit(database);
  });
  afterAll(async () => {
    await database.close();
  });

  async function pushIntercepted(changes: unknown[], beforeWrite: () => Promise<void>): Promise<{ res: PushResponse; writes: number }> {
    const intercepted = interceptedDatabase(database, beforeWrite);
    const res = await kit.pushWith(intercepted.database, changes, 'dev_slow');
    return { res, writes: intercepted.writes() };
  }

  it('an update whose record moved on after the read is decided again against the new version, as a conflict', async () => {
    const base = change();
    await kit.push('ana', [base]);
    kit.server.clock.advance(1000);
    const slow = change({ recordId: base.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(10, 0, 'dev_slow'), data: { by: 'slow' } });
    const fast = change({ recordId: base.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(5, 0, 'dev_fast'), data: { by: 'fast' } });

    const { res, writes } = await pushIntercepted([slow], async () => {
      const other = await kit.push('cora', [fast], 'dev_fast');
      expect(other.successful.map((r) => r.version)).toEqual([2]);
    });

    expect(writes).toBe(2);
    expect(res.successful).toEqual([]);
    expect(res.conflicts).toMatchObject([{ changeId: slow.changeId, resolution: 'client_wins', version: 3 }]);
    const stored = await storedRecord(database, base.recordId);
    expect([stored?.version, stored?.data]).toEqual([3, { by: 'slow' }]);
    const [log] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_conflicts where record_id = ${base.recordId}`);
    expect(log?.n).toBe(1);
  });

  it('a batch whose changes another request applied after the read answers as a replay and writes nothing twice', async () => {
    const batch = [change(), change(), change()];
    const before = { records: await countRows(database, 'records'), changes: await countRows(database, 'sync_changes') };

    let first: PushResponse | undefined;
    const { res, writes } = await pushIntercepted(batch, async () => {
      first = await kit.push('ana', batch, 'dev_slow');
    });

    expect(writes).toBe(2);
    expect(res).toEqual({ ...first, serverHlc: res.serverHlc });
    expect(await countRows(database, 'records')).toBe(before.records + 3);
    expect(await countRows(database, 'sync_changes')).toBe(before.changes + 3);
  });

  it('a statement whose row count comes out short aborts as a retryable serialization failure and leaves nothing', async () => {
    const userId = await kit.userId('ben'); // has never pushed here, so the insert itself succeeds
    const error = await database.db
      .execute(
        sql`with ins as (insert into sync_activity (user_id, last_push_at) values (${userId}::uuid, now()) returning 1)
            select fieldsync_expect_rows((select count(*) from ins)::int, 2)`,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isRetryableTransactionError(error)).toBe(true);
    expect(await rows(database.db, sql`select * from sync_activity where user_id = ${userId}::uuid`)).toEqual([]);
  });
});
