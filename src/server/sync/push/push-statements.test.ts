import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ChangeInput, PushResponse } from '@/protocol/push';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, type PushKit, pushKit, watchedDatabase, withPushKit } from './push-test-kit';

// The batch path is set-based: a batch costs the same handful of SQL statements whether it
// holds 1 change or 100. Statements are counted by wrapping the database handle the API uses:
// every query a handler runs (raw SQL or the query builder) and the BEGIN/COMMIT of a transaction.
function countingDatabase(database: Database): { database: Database; count: () => number } {
  let n = 0;
  const watched = watchedDatabase(database, {
    onTransaction: () => void (n += 2), // BEGIN and COMMIT
    onQuery: () => void (n += 1),
  });
  return { database: watched, count: () => n };
}

describe.each(testDatabases())('push statement count on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  async function countedPush(changes: unknown[]): Promise<{ statements: number; res: PushResponse }> {
    const counted = countingDatabase(database);
    const res = await kit.pushWith(counted.database, changes, 'dev_count');
    return { statements: counted.count(), res };
  }

  it('a clean batch of 100 creates or updates costs one statement, as a batch of 1 does', async () => {
    const one = await countedPush([change()]);
    expect(one.res.successful).toHaveLength(1);
    const creates = Array.from({ length: 100 }, () => change());
    const c = await countedPush(creates);
    expect(c.res.successful).toHaveLength(100);
    const updates = creates.map((x, i) => change({ recordId: x.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(i), data: { n: i } }));
    const u = await countedPush(updates);
    expect(u.res.successful).toHaveLength(100);
    // The write checks the guess and writes in one statement, a transaction on its own (no BEGIN or COMMIT).
    expect([one.statements, c.statements, u.statements]).toEqual([1, 1, 1]);
  });

  const mixedOn = (creates: ChangeInput[]) =>
    creates.map((x, i) =>
      i % 5 === 0
        ? change({ recordId: x.recordId, action: 'update', baseVersion: 0, hlc: kit.stamp(i), data: { stale: i } })
        : i % 5 === 1
          ? change({ type: 'response', data: { assessmentId: x.recordId } })
          : change({ recordId: x.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(i), data: { n: i } }),
    );

  it('a batch of 100 mixed updates, conflicts and responses on records this server wrote recently costs one statement', async () => {
    const creates = Array.from({ length: 100 }, () => change());
    await countedPush(creates);
    // The records are known whole at version 1 (recent-records.ts): the conflicts are decided on the guess.
    const m = await countedPush(mixedOn(creates));
    expect([m.res.successful.length, m.res.conflicts.length, m.res.failed.length]).toEqual([80, 20, 0]);
    expect(m.statements).toBe(1);
  });

  it('with no known records kept (FIELDSYNC_KNOWN_RECORDS=0), the same batch on records it just wrote costs three statements', async () => {
    const forgetful = await pushKit(database, { knownRecords: 0 });
    const counted = async (changes: unknown[]) => {
      const c = countingDatabase(database);
      return { res: await forgetful.pushWith(c.database, changes, 'dev_forgetful'), statements: c.count() };
    };
    const creates = Array.from({ length: 100 }, () => change());
    expect((await counted(creates)).statements).toBe(1);
    const m = await counted(mixedOn(creates));
    expect([m.res.successful.length, m.res.conflicts.length, m.res.failed.length]).toEqual([80, 20, 0]);
    // The guess knew no stored record, so the conflicts failed its check: guess, read, write.
    expect(m.statements).toBe(3);
  });

  it('the same batch on records written elsewhere costs three statements; its replay, read first, one', async () => {
    // As another server process would have written them: this one does not know them.
    const creates = Array.from({ length: 100 }, () => change());
    for (const c of creates)
      await database.db.execute(
        sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
            values (${c.recordId}, 'assessment', ${c.entityId}, 1, '{}'::jsonb, ${c.hlc}, ${await kit.userId('ben')}, 'dev_elsewhere')`,
      );
    const mixed = mixedOn(creates);
    const m = await countedPush(mixed);
    expect([m.res.successful.length, m.res.conflicts.length, m.res.failed.length]).toEqual([80, 20, 0]);
    const replay = await countedPush(mixed);
    expect(replay.res.conflicts).toHaveLength(20);
    const clean = await countedPush([change()]);
    // The guess was wrong (the conflicts): the guarded write wrote nothing, then a read and a
    // write. The device's next batch is read first, without a guess that would fail again: the
    // replay has nothing to write, a clean batch is then written; after it, the next one is guessed.
    expect([m.statements, replay.statements, clean.statements]).toEqual([3, 1, 2]);
    expect((await countedPush([change()])).statements).toBe(1);
  });
});
