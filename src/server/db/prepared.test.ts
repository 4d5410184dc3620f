import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from './database';
import { StatementNames, generation, preparedRows } from './prepared';
import { testDatabases } from './test-databases';

describe('statement names', () => {
  it('gives one text the same name use after use and another text another name', () => {
    const names = new StatementNames();
    const a = names.nameOf('select 1');
    expect(a).toBeDefined();
    expect(names.nameOf('select 1')).toBe(a);
    expect(names.nameOf('select 2')).not.toBe(a);
  });

  it('gives one text the same name from another instance (another copy of the module)', () => {
    expect(new StatementNames().nameOf('select 1')).toBe(new StatementNames().nameOf('select 1'));
  });

  it('moves a text to a new name at its 16th use and each time its uses double, up to 20 times', () => {
    const names = new StatementNames();
    const used = Array.from({ length: 64 }, () => names.nameOf('select 1'));
    const changedAt = used.flatMap((name, i) => (i > 0 && name !== used[i - 1] ? [i + 1] : []));
    expect(changedAt).toEqual([16, 32, 64]);
    expect(new Set(used).size).toBe(4);
    expect([generation(1), generation(15), generation(16), generation(2 ** 23 - 1), generation(2 ** 23), generation(2 ** 40)]).toEqual([0, 0, 1, 19, 20, 20]);
  });

  it('past its bound names no new text, and still names the texts it named', () => {
    const names = new StatementNames(2);
    const a = names.nameOf('a');
    const b = names.nameOf('b');
    expect(names.nameOf('c')).toBeUndefined();
    expect([names.nameOf('a'), names.nameOf('b'), names.nameOf('c')]).toEqual([a, b, undefined]);
  });
});

describe.each(testDatabases())('prepared statements on $name', (factory) => {
  it('answer each call with its own parameters, and on PostgreSQL are prepared once under their name', async () => {
    const database = await factory.create();
    try {
      const prefix = `fs_test_${Math.random().toString(36).slice(2, 8)}_`;
      const names = new StatementNames(200, prefix);
      const query = (n: number) => sql`select ${n}::int * 2 as doubled, ${`x${n}`}::text as label`;
      await database.db.transaction(async (tx) => {
        for (const n of [1, 2, 3]) expect(await preparedRows(tx, query(n), names)).toEqual([{ doubled: n * 2, label: `x${n}` }]);
        if (database.kind !== 'postgres') return;
        // The same connection (the transaction's) holds the statement, prepared once.
        const prepared = await rows<{ name: string; statement: string }>(
          tx,
          sql`select name, statement from pg_prepared_statements where starts_with(name, ${prefix})`,
        );
        expect(prepared.map((p) => p.statement)).toEqual([expect.stringContaining('as doubled')]);
      });
    } finally {
      await database.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('prepared statement names on PostgreSQL', () => {
  it('leave only the newest generation of a text on a connection, and an older name still works from another copy', async () => {
    const [postgres] = testDatabases().filter((f) => f.name === 'postgres');
    const database = await postgres!.create();
    try {
      const prefix = `fs_test_${Math.random().toString(36).slice(2, 8)}_`;
      const names = new StatementNames(200, prefix);
      const query = (n: number) => sql`select ${n}::int + 1 as next`;
      // One at a time through the pool: one connection serves them all. Uses 1-40 are
      // generations 0 (to 15), 1 (16 to 31) and 2 (32 on).
      for (let n = 0; n < 40; n++) expect(await preparedRows(database.db, query(n), names)).toEqual([{ next: n + 1 }]);
      const held = async () =>
        (await rows<{ name: string }>(database.db, sql`select name from pg_prepared_statements where starts_with(name, ${prefix}) order by name`)).map((r) => r.name.slice(-2));
      expect(await held()).toEqual(['_2']);
      // Another copy of the module counts its own uses: its first is generation 0 again.
      expect(await preparedRows(database.db, query(7), new StatementNames(200, prefix))).toEqual([{ next: 8 }]);
      expect(await held()).toEqual(['_2']);
    } finally {
      await database.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('prepared statements on PostgreSQL as their table grows', () => {
  it('read a table by its index once it has grown, though their first plans were made while it was nearly empty', async () => {
    const [postgres] = testDatabases().filter((f) => f.name === 'postgres');
    const database = await postgres!.create();
    try {
      const prefix = `fs_test_${Math.random().toString(36).slice(2, 8)}_`;
      const names = new StatementNames(200, prefix);
      const ids = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const lookup = sql`select count(*)::int as n from grows where id = any(${`{${ids.join(',')}}`}::uuid[])`;
      await database.db.transaction(async (tx) => {
        // As on a new database: the table analysed while it held a few rows. A temporary table,
        // since autovacuum never analyses one: only a new plan can see it grow.
        await tx.execute(sql`create temporary table grows (id uuid primary key, note text) on commit drop`);
        await tx.execute(sql`insert into grows select gen_random_uuid() from generate_series(1, 3)`);
        await tx.execute(sql`analyze grows`);
        // Enough uses for PostgreSQL to settle on a generic plan (it may after 5): a scan of the table.
        for (let i = 0; i < 10; i++) expect(await preparedRows(tx, lookup, names)).toEqual([{ n: 0 }]);
        await tx.execute(sql`insert into grows select gen_random_uuid() from generate_series(1, 20000)`);
        for (let i = 0; i < 30; i++) expect(await preparedRows(tx, lookup, names)).toEqual([{ n: 0 }]);
        const [latest] = await rows<{ name: string }>(tx, sql`select name from pg_prepared_statements where starts_with(name, ${prefix}) order by prepare_time desc, name desc limit 1`);
        const plan = await rows<{ 'QUERY PLAN': string }>(tx, sql.raw(`explain execute ${latest!.name}('{${ids[0]}}')`));
        const text = plan.map((r) => r['QUERY PLAN']).join('\n');
        expect(text).toContain('grows_pkey');
        expect(text).not.toContain('Seq Scan');
      });
    } finally {
      await database.close();
    }
  });
});
