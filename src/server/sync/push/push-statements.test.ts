import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ChangeInput, PushResponse } from '@/protocol/push';
import type { Database } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, type PushKit, watchedDatabase, withPushKit } from './push-test-kit';

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

  it('a clean batch of 100 creates or updates costs a read, a write and its live-update notice, as a batch of 1 does', async () => {
    const one = await countedPush([change()]);
    expect(one.res.successful).toHaveLength(1);
    const creates = Array.from({ length: 100 }, () => change());
    const c = await countedPush(creates);
    expect(c.res.successful).toHaveLength(100);
    const updates = creates.map((x, i) => change({ recordId: x.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(i), data: { n: i } }));
    const u = await countedPush(updates);
    expect(u.res.successful).toHaveLength(100);
    // The write checks its own row counts and is a transaction on its own (no BEGIN or COMMIT);
    // the notice for live updates goes after its commit.
    expect([one.statements, c.statements, u.statements]).toEqual([3, 3, 3]);
  });

  const mixedOn = (creates: ChangeInput[]) =>
    creates.map((x, i) =>
      i % 5 === 0
        ? change({ recordId: x.recordId, action: 'update', baseVersion: 0, hlc: kit.stamp(i), data: { stale: i } })
        : i % 5 === 1
          ? change({ type: 'response', data: { assessmentId: x.recordId } })
          : change({ recordId: x.recordId, action: 'update', baseVersion: 1, hlc: kit.stamp(i), data: { n: i } }),
    );

  it('a batch of 100 mixed updates, conflicts and responses costs three statements; its replay, one', async () => {
    const creates = Array.from({ length: 100 }, () => change());
    await countedPush(creates);
    const mixed = mixedOn(creates);
    const m = await countedPush(mixed);
    expect([m.res.successful.length, m.res.conflicts.length, m.res.failed.length]).toEqual([80, 20, 0]);
    const replay = await countedPush(mixed);
    expect(replay.res.conflicts).toHaveLength(20);
    // A read, a write, one notice of records and conflicts; the replay's read finds every change
    // id logged: nothing to write or announce.
    expect([m.statements, replay.statements]).toEqual([3, 1]);
  });

  it('decides on records another server process wrote, which this one never saw', async () => {
    const creates = Array.from({ length: 100 }, () => change());
    for (const c of creates)
      await database.db.execute(
        sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
            values (${c.recordId}, 'assessment', ${c.entityId}, 1, '{}'::jsonb, ${c.hlc}, ${await kit.userId('ben')}, 'dev_elsewhere')`,
      );
    const m = await countedPush(mixedOn(creates));
    expect([m.res.successful.length, m.res.conflicts.length, m.res.failed.length]).toEqual([80, 20, 0]);
    expect(m.statements).toBe(3);
  });
});
