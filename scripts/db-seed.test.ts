// `npm run db:seed [-- --demo]` as a process: migrations always, demo users only with --demo,
// idempotent, and a clear failure for a bad argument or an unreachable database.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/db/database';
import { users } from '../src/server/db/schema';

const ROOT = path.resolve(import.meta.dirname, '..');

function seed(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/db-seed.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function emails(url: string | undefined, dataDir?: string): Promise<string[]> {
  const database = await openDatabase({ url, dataDir });
  try {
    return (await database.db.select({ email: users.email }).from(users)).map((u) => u.email).sort();
  } finally {
    await database.close();
  }
}

const DEMO = ['admin@demo.fieldsync', 'ana@demo.fieldsync', 'ben@demo.fieldsync', 'cora@demo.fieldsync'];

describe.runIf(process.env.TEST_DATABASE_URL)('db:seed on PostgreSQL', () => {
  it('migrates only, then adds the demo data with --demo, and again changes nothing', async () => {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const name = `fs_seed_${randomBytes(5).toString('hex')}`;
    const admin = async (q: string) => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await admin(`create database ${name} template template0`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString() };
    try {
      const plain = await seed([], env);
      expect(plain.code, plain.out).toBe(0);
      expect(await emails(env.DATABASE_URL)).toEqual([]);
      const demo = await seed(['--demo'], env);
      expect(demo.code, demo.out).toBe(0);
      expect(await emails(env.DATABASE_URL)).toEqual(DEMO);
      expect((await seed(['--demo'], env)).code).toBe(0);
      expect(await emails(env.DATABASE_URL)).toEqual(DEMO);
    } finally {
      await admin(`drop database if exists ${name} with (force)`);
    }
  }, 120_000);
});

describe('db:seed', () => {
  it('seeds the embedded database in FIELDSYNC_DATA_DIR with --demo', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-seed-'));
    try {
      const r = await seed(['--demo'], { FIELDSYNC_DATA_DIR: dir });
      expect(r.code, r.out).toBe(0);
      expect(await emails(undefined, dir)).toEqual(DEMO);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('fails with a message for an unknown argument or an unreachable database', async () => {
    const bad = await seed(['--demo', '--force'], {});
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('unknown argument --force');
    const down = await seed([], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/db:seed failed: .*ECONNREFUSED/);
  }, 60_000);
});
