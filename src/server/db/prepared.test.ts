import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from './database';
import { StatementNames, preparedRows } from './prepared';
import { testDatabases } from './test-databases';

describe('statement names', () => {
  it('gives one text the same name every time and another text another name', () => {
    const names = new StatementNames();
    const a = names.nameOf('select 1');
    expect(a).toBeDefined();
    expect(names.nameOf('select 1')).toBe(a);
    expect(names.nameOf('select 2')).not.toBe(a);
  });

  it('gives one text the same name from another instance (another copy of the module)', () => {
    expect(new StatementNames().nameOf('select 1')).toBe(new StatementNames().nameOf('select 1'));
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
