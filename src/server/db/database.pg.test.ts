// On PostgreSQL: hot statements run as named prepared statements, with the rows rows() gives,
// unless switched off or inside a transaction. A connection that dies while a transaction holds it (the database restarting
// under load) fails that transaction only; the process goes on and the pool serves the next query.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase, prepared, rows } from './database';
import { testDatabases } from './test-databases';

const adminUrl = process.env.TEST_DATABASE_URL;

describe.runIf(adminUrl)('a PostgreSQL connection lost mid-transaction', () => {
  it('fails that transaction without crashing the process, and the pool works after', async () => {
    const database = await testDatabases().find((f) => f.name === 'postgres')!.create();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const crashes: unknown[] = [];
    const onCrash = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onCrash);
    try {
      const tx = database.db.transaction(async (t) => {
        const [me] = await rows<{ pid: number }>(t, sql`select pg_backend_pid() as pid`);
        await admin.query('select pg_terminate_backend($1)', [me!.pid]);
        // Between statements, as a handler does its work: the connection ends with no query running.
        await new Promise((r) => setTimeout(r, 500));
        await t.execute(sql`select 1`);
      });
      await expect(tx).rejects.toThrow();
      expect(crashes).toEqual([]);
      await database.ping();
      const [after] = await rows<{ one: number }>(database.db, sql`select 1 as one`);
      expect(after?.one).toBe(1);
    } finally {
      process.off('uncaughtException', onCrash);
      await admin.end();
      await database.close();
    }
  });
});

describe.runIf(adminUrl)('prepared statements on PostgreSQL', () => {
  const listed = sql`select statement from pg_prepared_statements where statement like '%fieldsync-prepared-test%'`;
  const probe = sql`select now() as at, ${5}::bigint as n, ${'x'}::text as t -- fieldsync-prepared-test`;

  it('prepares a statement once per connection and reads its rows as rows() does', async () => {
    const database = await openDatabase({ url: adminUrl, poolSize: 1 });
    try {
      const viaName = await prepared<{ at: unknown; n: unknown; t: unknown }>(database.db, probe);
      const plain = await rows<{ at: unknown; n: unknown; t: unknown }>(database.db, probe);
      expect(viaName.map((r) => [typeof r.at, r.n, r.t])).toEqual(plain.map((r) => [typeof r.at, r.n, r.t]));
      expect(typeof viaName[0]!.at).toBe('string');
      await prepared(database.db, probe);
      const names = await rows<{ statement: string }>(database.db, listed);
      expect(names.filter((r) => r.statement.startsWith('select now()'))).toHaveLength(1);
    } finally {
      await database.close();
    }
  });

  it('prepares nothing when switched off, or inside a transaction', async () => {
    const off = await openDatabase({ url: adminUrl, poolSize: 1, preparedStatements: false });
    const on = await openDatabase({ url: adminUrl, poolSize: 1 });
    try {
      await prepared(off.db, probe);
      expect(await rows(off.db, listed)).toEqual([]);
      await on.db.transaction(async (tx) => {
        await prepared(tx, probe);
        expect(await rows(tx, listed)).toEqual([]);
      });
    } finally {
      await off.close();
      await on.close();
    }
  });
});
