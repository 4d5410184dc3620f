import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, countRows, type PushKit, storedRecord, withPushKit } from './push-test-kit';

// Failures are injected with a trigger on records that raises for data {"boom": ...}:
// 'always' fails every time, 'twice' fails with a serialization failure on the first two
// tries (a sequence counts them, since sequences survive a rollback), 'always-40001' forever.
const TRIGGER = sql`
  create or replace function push_test_boom() returns trigger language plpgsql as $$
  begin
    if new.data->>'boom' = 'always' then raise exception 'injected failure'; end if;
    if new.data->>'boom' = 'twice' then
      if nextval('push_test_boom_seq') <= 2 then
        raise exception 'injected serialization failure' using errcode = 'serialization_failure';
      end if;
    end if;
    if new.data->>'boom' = 'always-40001' then
      perform nextval('push_test_boom_seq');
      raise exception 'injected serialization failure' using errcode = 'serialization_failure';
    end if;
    return new;
  end $$`;

describe.each(testDatabases())('a push batch is one transaction on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));
  beforeAll(async () => {
    await database.db.execute(sql`create sequence push_test_boom_seq`);
    await database.db.execute(TRIGGER);
    await database.db.execute(sql`create trigger push_test_boom before insert or update on records for each row execute function push_test_boom()`);
  });
  afterEach(async () => {
    await database.db.execute(sql`alter sequence push_test_boom_seq restart`);
  });

  const attempts = async () => (await rows<{ n: number }>(database.db, sql`select last_value::int as n, is_called from push_test_boom_seq`))[0];

  it('after a 500 nothing of the batch stays: no record, no log entry, no conflict, no push time', async () => {
    const existing = change();
    await kit.push('ana', [existing]);
    const before = {
      records: await countRows(database, 'records'),
      changes: await countRows(database, 'sync_changes'),
      conflicts: await countRows(database, 'sync_conflicts'),
      activity: await rows(database.db, sql`select * from sync_activity`),
    };
    kit.server.clock.advance(1000);
    const batch = [
      change(),
      change({ recordId: existing.recordId, action: 'update', baseVersion: 0, hlc: kit.stamp(10), data: { v: 2 } }),
      change({ entityId: 'bad' }),
      change({ data: { boom: 'always' } }),
      change(),
    ];
    const res = await kit.post('ana', { deviceId: 'dev_test', changes: batch });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect({
      records: await countRows(database, 'records'),
      changes: await countRows(database, 'sync_changes'),
      conflicts: await countRows(database, 'sync_conflicts'),
      activity: await rows(database.db, sql`select * from sync_activity`),
    }).toEqual(before);
    expect((await storedRecord(database, existing.recordId))?.version).toBe(1);
  });

  it('retries a serialization failure inside the server and applies the batch once', async () => {
    const a = change({ data: { boom: 'twice' } });
    const b = change();
    const res = await kit.push('ana', [a, b]);
    expect(res.successful.map((r) => r.version)).toEqual([1, 1]);
    expect((await attempts())?.n).toBe(3);
    expect((await storedRecord(database, a.recordId))?.version).toBe(1);
    const [logged] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from sync_changes where change_id in (${a.changeId}, ${b.changeId})`);
    expect(logged?.n).toBe(2);
  });

  it('gives up after a bounded number of tries, leaving nothing', async () => {
    const a = change({ data: { boom: 'always-40001' } });
    const res = await kit.post('ana', { deviceId: 'dev_test', changes: [change(), a] });
    expect(res.status).toBe(500);
    expect((await attempts())?.n).toBe(5);
    expect(await storedRecord(database, a.recordId)).toBeUndefined();
  });
});
