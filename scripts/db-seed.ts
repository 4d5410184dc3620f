// `npm run db:seed [-- --demo]`: applies the migrations to the database given by DATABASE_URL
// (or the embedded one in FIELDSYNC_DATA_DIR), and with --demo adds the demo users and
// entities (README "Demo logins"; idempotent). The server applies migrations at start-up
// too; this is for preparing a PostgreSQL database by hand or in a deployment step.
import { mkdirSync } from 'node:fs';
import { configFromEnv } from '../src/server/config';
import { openDatabase } from '../src/server/db/database';
import { DEMO_USERS, seedDemo } from '../src/server/seed/demo';

async function main(args: string[]): Promise<void> {
  const unknown = args.filter((a) => a !== '--demo');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')}; usage: npm run db:seed [-- --demo]`);
  const demo = args.includes('--demo');
  const config = configFromEnv();
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const where = config.databaseUrl ? redact(config.databaseUrl) : `embedded PGlite in ${config.dataDir}`;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await database.migrate();
    console.log(`migrations applied to ${where}`);
    if (demo) {
      await seedDemo(database.db);
      console.log(`demo data present: ${DEMO_USERS.map((u) => u.email).join(', ')} (password fieldsync-demo)`);
    }
  } finally {
    await database.close();
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`db:seed failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
