// For tests: a fresh, migrated database per call. PGlite (in memory) always; PostgreSQL as
// well when TEST_DATABASE_URL is set, each call on a new database that is dropped on close,
// so test files running in parallel never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from './database';

export interface TestDatabaseFactory {
  readonly name: 'pglite' | 'postgres';
  create(): Promise<Database>;
}

export function testDatabases(): TestDatabaseFactory[] {
  const list: TestDatabaseFactory[] = [{ name: 'pglite', create: createPglite }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ name: 'postgres', create: () => createPostgres(url) });
  return list;
}

// Migrating a new PGlite takes seconds; loading a dump of a migrated one is much faster.
let template: Promise<Blob | File> | undefined;

async function createPglite(): Promise<Database> {
  template ??= (async () => {
    const t = await openDatabase({});
    await t.migrate();
    const dump = await t.dump!();
    await t.close();
    return dump;
  })();
  const database = await openDatabase({ loadDataDir: await template });
  await database.migrate();
  return database;
}

async function createPostgres(adminUrl: string): Promise<Database> {
  const name = `fs_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template template0`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 10 });
  await database.migrate();
  return {
    ...database,
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
