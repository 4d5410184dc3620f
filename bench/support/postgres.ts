// PostgreSQL housekeeping for the bench: a fresh database per contender on the local server
// (dropped afterwards), migrated and seeded like a real install, and the CPU time of the
// server processes (backends) serving one database, read from /proc.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { openDatabase } from '@/server/db/database';
import { seedDemo } from '@/server/seed/demo';
import { processCpuMs } from './processes';

export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createDatabase(name: string): Promise<string> {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Applies the migrations and the demo data: with scripts/db-seed.ts when it exists, else in-process. */
export async function migrateAndSeed(url: string, root: string): Promise<void> {
  if (existsSync(`${root}/scripts/db-seed.ts`)) {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/db-seed.ts', '--demo'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return;
  }
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    await database.migrate();
    await seedDemo(database.db);
  } finally {
    await database.close();
  }
}

/** Snapshot of the CPU time of every backend connected to `dbName`. */
export class BackendCpu {
  constructor(private readonly dbName: string) {}

  async snapshot(): Promise<Map<number, number>> {
    const pids = await withAdmin(async (c) => {
      const r = await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.dbName]);
      return r.rows.map((row) => row.pid);
    });
    return processCpuMs(pids);
  }

  /** CPU ms used between two snapshots; a backend that appeared in between counts from zero. */
  static delta(before: Map<number, number>, after: Map<number, number>): number {
    let ms = 0;
    for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
    return ms;
  }
}
