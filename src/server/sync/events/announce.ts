// Announcing a write after its commit, for hot writers (the push). The triggers of migration
// 0010_live_events announce every write to records and conflicts from inside its transaction,
// so no writer can forget; but a NOTIFY makes PostgreSQL take a cluster-wide lock at commit, and
// commits that notify then run one at a time (about 3 times fewer 100-row commits a second at 16
// at once). A writer that calls deferNotices() in its transaction silences those two triggers
// for it, and must call announce() once it has committed, with what it wrote.
import { sql } from 'drizzle-orm';
import { type Executor, prepared } from '../../db/database';
import { EVENTS_CHANNEL, type Notice } from './notice';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD = 7_000;

/** In a write transaction: its records and conflicts triggers leave the announcing to announce(). */
export async function deferNotices(tx: Executor): Promise<void> {
  await tx.execute(sql`select set_config('fieldsync.notify', 'after_commit', true)`);
}

/** After the commit, outside any transaction: tells every instance what was written, in one statement. */
export async function announce(ex: Executor, notices: readonly Notice[]): Promise<void> {
  const payloads: string[] = [];
  for (const notice of notices) {
    if (notice.k !== 'users' && notice.e !== '*' && notice.e.length === 0) continue;
    const payload = JSON.stringify(notice);
    payloads.push(payload.length > MAX_PAYLOAD ? JSON.stringify(everything(notice)) : payload);
  }
  if (payloads.length === 0) return;
  await prepared(ex, sql`select pg_notify(${EVENTS_CHANNEL}, p) from jsonb_array_elements_text(${JSON.stringify(payloads)}::jsonb) as p`);
}

function everything(notice: Notice): Notice {
  switch (notice.k) {
    case 'records':
      return { k: 'records', e: '*' };
    case 'conflicts':
      return { k: 'conflicts', e: '*', o: [] };
    case 'users':
      return { k: 'users', u: '*' };
  }
}
