// On PostgreSQL: a connection that dies while a transaction holds it (the database restarting
// under load) fails that transaction only; the process goes on and the pool serves the next query.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { rows } from './database';
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
