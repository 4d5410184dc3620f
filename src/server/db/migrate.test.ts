import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from './database';
import { testDatabases } from './test-databases';

describe.each(testDatabases())('migrations on $name', (factory) => {
  it('apply to an empty database, then again with no change', async () => {
    const database = await factory.create();
    try {
      const tables = async () =>
        (
          await rows<{ table_name: string }>(
            database.db,
            sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
          )
        ).map((r) => r.table_name);
      const before = await tables();
      expect(before).toEqual(
        expect.arrayContaining(['users', 'entities', 'assignments', 'records', 'sync_changes', 'sync_conflicts']),
      );
      await database.migrate();
      expect(await tables()).toEqual(before);
    } finally {
      await database.close();
    }
  });

  it('gives every record write a later feed position', async () => {
    const database = await factory.create();
    try {
      const db = database.db;
      const [entity] = await rows<{ id: string }>(db, sql`insert into entities (name, kind) values ('E', 'camp') returning id`);
      const id = '0190f0e0-0000-7000-8000-000000000001';
      const write = () =>
        rows<{ txid: string; seq: number }>(
          db,
          sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
              values (${id}, 'assessment', ${entity!.id}, 1, '{}', 'h', ${entity!.id}, 'd')
              on conflict (id) do update set version = records.version + 1
              returning txid::text, seq`,
        );
      const [a] = await write();
      const [b] = await write();
      expect(BigInt(b!.txid)).toBeGreaterThan(BigInt(a!.txid));
      expect(Number(b!.seq)).toBeGreaterThan(Number(a!.seq));
    } finally {
      await database.close();
    }
  });

  it('refuses an update of a record that does not move its version on, and changes nothing', async () => {
    const database = await factory.create();
    try {
      const db = database.db;
      const [entity] = await rows<{ id: string }>(db, sql`insert into entities (name, kind) values ('E', 'camp') returning id`);
      const id = '0190f0e0-0000-7000-8000-000000000002';
      await db.execute(
        sql`insert into records (id, type, entity_id, version, data, hlc, updated_by, device_id)
            values (${id}, 'assessment', ${entity!.id}, 2, '{"v":2}', 'h', ${entity!.id}, 'd')`,
      );
      for (const version of [2, 1])
        await expect(db.execute(sql`update records set data = '{"v":"other"}', version = ${version} where id = ${id}`)).rejects.toMatchObject({
          cause: { message: expect.stringMatching(/without a new version/) },
        });
      await db.execute(sql`update records set data = '{"v":3}', version = 3 where id = ${id}`);
      expect(await rows(db, sql`select version, data from records where id = ${id}`)).toEqual([{ version: 3, data: { v: 3 } }]);
    } finally {
      await database.close();
    }
  });
});
