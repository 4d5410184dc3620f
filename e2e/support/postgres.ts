// For end-to-end tests on PostgreSQL: a new database on the server of TEST_DATABASE_URL,
// dropped afterwards, and the demo data put in it by the real `db:seed` script.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runInRepo } from './server';

export interface TempDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTempDatabase(adminUrl: string, prefix = 'fs_e2e'): Promise<TempDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, (c) => c.query(`create database ${name} template template0`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** `npm run db:seed -- --demo` against `url`: migrations, then the demo users. */
export async function seedDemoWithScript(url: string): Promise<string> {
  return runInRepo('npx', ['tsx', 'scripts/db-seed.ts', '--demo'], { DATABASE_URL: url }, 120_000);
}
