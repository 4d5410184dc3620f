// Whether `npm start` may serve the demo users where it is about to listen. Their password is
// printed in the README, so they are served on loopback only, unless the operator says
// FIELDSYNC_ALLOW_DEMO_USERS_REMOTE=1 (a closed training network, say). The embedded database is
// created with them; a PostgreSQL database holds them only after `npm run db:seed -- --demo`.
import { isIP } from 'node:net';

export const ALLOW_DEMO_REMOTE = 'FIELDSYNC_ALLOW_DEMO_USERS_REMOTE';
export const DEMO_EMAIL_DOMAIN = '@demo.fieldsync';
/** sysexits' EX_CONFIG: the configuration is refused, not the program broken. */
export const REFUSED_EXIT_CODE = 78;

/** Whether `hostname` (as given to --hostname; undefined is every interface) is reachable from this machine only. */
export function isLoopback(hostname) {
  if (hostname === undefined) return false;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

/**
 * Why the server must not start (a message for the operator), or null when it may.
 * `demoUsers`: whether the database holds (or, new and embedded, will be created with) demo users.
 */
export function demoRefusal({ hostname, demoUsers, env }) {
  if (!demoUsers || isLoopback(hostname) || env[ALLOW_DEMO_REMOTE] === '1') return null;
  const where = hostname === undefined || hostname === '' ? 'every interface' : hostname;
  return [
    `fieldsync: refusing to listen on ${where} with the demo users (${DEMO_EMAIL_DOMAIN}), whose password is public.`,
    '  Listen on this machine only (the default, 127.0.0.1), or use a database without them (DATABASE_URL,',
    `  see docs/operations.md), or set ${ALLOW_DEMO_REMOTE}=1 to serve them on this network anyway.`,
  ].join('\n');
}

/** Whether the PostgreSQL database at `url` holds an active demo user; false when it has no users table yet. */
export async function postgresHasDemoUsers(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const query = (active) =>
      client.query(`select 1 from users where email like $1${active ? ' and deactivated_at is null' : ''} limit 1`, [`%${DEMO_EMAIL_DOMAIN}`]);
    try {
      return (await query(true)).rowCount > 0;
    } catch (e) {
      if (e.code === '42P01') return false; // no users table: a new database, migrated by the server
      if (e.code === '42703') return (await query(false)).rowCount > 0; // before the migration that adds deactivation
      throw e;
    }
  } finally {
    await client.end();
  }
}
