import { type SQL, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { PushResponse } from '@/protocol/push';
import { type Database, rows } from '../../db/database';
import { isRetryableTransactionError } from '../../db/errors';
import { testDatabases } from '../../db/test-databases';
import { change, countRows, type PushKit, storedRecord, watchedDatabase, withPushKit } from './push-test-kit';

// A push reads without locks and writes in one statement. These tests make another writer land
// exactly between that read and that write (by holding the write back until the other push has
// committed), then check that the statement undid itself and the batch ran again under locks,
// deciding from what the other writer left. The same race with a writer that commits while the
// write statement runs (waiting for its row lock): the PostgreSQL tests below.

/** The database with a hook that runs before the first write statement of a push. */
function interceptedDatabase(database: Database, beforeWrite: () => Promise<void>): { database: Database; writes: () => number } {
  let writes = 0;
  const watched = watchedDatabase(database, {
    beforeExecute: async (query) => {
      const text = JSON.stringify(query);
      if (!text.includes('fieldsync_expect_rows')) return;
      if (++writes === 1) await beforeWrite();
    },
  });
  return { database: watched, writes: () => writes };
}

describe.each(testDatabases())('an optimistic push that loses a race on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

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

    // The write undid itself; decided again under locks, the batch is a replay: nothing to write.
    expect(writes).toBe(1);
    expect(res).toEqual({ ...first, serverHlc: res.serverHlc });
    expect(await countRows(database, 'records')).toBe(before.records + 3);
    expect(await countRows(database, 'sync_changes')).toBe(before.changes + 3);
  });

  it('a response whose assessment was deleted after the read is decided again under locks, and fails', async () => {
    const assessment = change();
    await kit.push('ana', [assessment]);
    const response = change({ type: 'response', data: { assessmentId: assessment.recordId, answer: 'yes' } });
    const remove = change({ recordId: assessment.recordId, action: 'delete', baseVersion: 1, data: undefined });

    const { res, writes } = await pushIntercepted([response], async () => {
      const other = await kit.push('cora', [remove], 'dev_fast');
      expect(other.successful.map((r) => r.version)).toEqual([2]);
    });

    expect(writes).toBe(2);
    expect(res.failed).toMatchObject([{ changeId: response.changeId, code: 'NOT_FOUND' }]);
    expect(await storedRecord(database, response.recordId)).toBeUndefined();
  });

  it('a statement whose row count comes out short aborts as a retryable serialization failure and leaves nothing', async () => {
    const userId = await kit.userId('ben'); // has never pushed here, so the insert itself succeeds
    const error = await database.db
      .execute(
        sql`with ins as (insert into sync_activity (user_id, last_pull_at) values (${userId}::uuid, now()) returning 1)
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

describe.each(testDatabases().filter((f) => f.name === 'postgres'))('a write statement that loses a race while it runs on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  /**
   * Runs `write` in a transaction left open while a push of `changes` starts, and commits it
   * only once the push's write statement waits for its row lock: the push's read saw the record
   * as it was before, and its write finds it changed. Returns the push's answer, its write
   * statements and its transactions.
   */
  async function pushWhileHeld(write: SQL, changes: unknown[]): Promise<{ res: PushResponse; writes: number; transactions: number }> {
    let writes = 0;
    let transactions = 0;
    const watched = watchedDatabase(database, {
      onTransaction: () => void transactions++,
      beforeExecute: async (query) => void (JSON.stringify(query).includes('fieldsync_expect_rows') && writes++),
    });
    let commit!: () => void;
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(write);
      held();
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await isHeld;
    const push = kit.pushWith(watched, changes, 'dev_held');
    await waitFor(async () => {
      const [r] = await rows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return (r?.n ?? 0) > 0;
    });
    commit();
    await holder;
    return { res: await push, writes, transactions };
  }

  it('an update whose record another writer changed while the statement ran is decided again under locks, as a conflict', async () => {
    const base = change();
    await kit.push('ana', [base]);
    kit.server.clock.advance(1000);
    const held = change({ recordId: base.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(10, 0, 'dev_held'), data: { by: 'held' } });
    const { res, writes, transactions } = await pushWhileHeld(
      sql`update records set version = 2, data = '{"by":"other"}', hlc = ${kit.stamp(5, 0, 'dev_other')} where id = ${base.recordId}`,
      [held],
    );
    expect([writes, transactions]).toEqual([2, 1]);
    expect(res.conflicts).toMatchObject([{ changeId: held.changeId, resolution: 'client_wins', version: 3 }]);
    const stored = await storedRecord(database, base.recordId);
    expect([stored?.version, stored?.data]).toEqual([3, { by: 'held' }]);
    const [log] = await rows<{ loser: { data: unknown } }>(database.db, sql`select loser from sync_conflicts where record_id = ${base.recordId}`);
    expect(log?.loser.data).toEqual({ by: 'other' });
  });

  it('a create whose record id another writer created while the statement ran is decided again under locks, as a conflict', async () => {
    const created = change({ hlc: kit.stamp(-5000, 0, 'dev_held'), data: { by: 'held' } });
    const anaId = await kit.userId('ana');
    const before = await countRows(database, 'sync_changes');
    const { res, writes, transactions } = await pushWhileHeld(
      sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
          values (${created.recordId}, 'assessment', ${created.entityId}, 1, '{"by":"other"}', ${kit.stamp(0, 0, 'dev_other')}, ${anaId}, 'dev_other')`,
      [created],
    );
    expect([writes, transactions]).toEqual([2, 1]);
    expect(res.conflicts).toMatchObject([{ changeId: created.changeId, resolution: 'server_wins', version: 1 }]);
    expect((await storedRecord(database, created.recordId))?.data).toEqual({ by: 'other' });
    expect(await countRows(database, 'sync_changes')).toBe(before + 1);
  });

  it('a response whose assessment another writer deleted while the statement ran is decided again under locks, and fails', async () => {
    const assessment = change();
    await kit.push('ana', [assessment]);
    const response = change({ type: 'response', data: { assessmentId: assessment.recordId, answer: 'yes' } });
    const { res, writes, transactions } = await pushWhileHeld(
      sql`update records set version = 2, deleted = true, hlc = ${kit.stamp(5, 0, 'dev_other')} where id = ${assessment.recordId}`,
      [response],
    );
    expect([writes, transactions]).toEqual([2, 1]);
    expect(res.successful).toEqual([]);
    expect(res.failed).toMatchObject([{ changeId: response.changeId, code: 'NOT_FOUND' }]);
    expect(await storedRecord(database, response.recordId)).toBeUndefined();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
