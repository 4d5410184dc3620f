// Removing media bytes no one needs, safe with several instances sharing the database and the
// store: each step rechecks its row in the statement that deletes it, and removing bytes twice
// is harmless.
// - expired uploads: unfinished, past Upload-Expires, not being written (no live lease);
// - retired content: what content-retention.ts says may go (tombstones without open conflicts).
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { rows } from '../db/database';
import type { ContentStore } from './content-store';
import { contentRemovable } from './content-retention';

const BATCH = 100;

export async function sweepExpiredUploads(database: Database, store: ContentStore): Promise<number> {
  const db = database.db;
  const expired = await rows<{ id: string }>(
    db,
    sql`select id from media_uploads where completed_at is null and expires_at < now()
        and (lock_token is null or locked_until < now()) order by expires_at limit ${BATCH}`,
  );
  let removed = 0;
  for (const { id } of expired) {
    await store.remove(id);
    const gone = await rows<{ id: string }>(db, sql`delete from media_uploads where id = ${id} and completed_at is null returning id`);
    removed += gone.length;
  }
  return removed;
}

export async function sweepRetiredContent(database: Database, store: ContentStore): Promise<number> {
  const db = database.db;
  const candidates = await rows<{ media_id: string; deleted: boolean | null; open_conflicts: number }>(
    db,
    sql`select mc.media_id, r.deleted,
          (select count(*)::int from sync_conflicts c where c.record_id = mc.media_id and c.status = 'open') as open_conflicts
        from media_content mc left join records r on r.id = mc.media_id
        where r.id is null or r.deleted
        limit ${BATCH}`,
  );
  let removed = 0;
  for (const c of candidates) {
    if (!contentRemovable({ deleted: c.deleted, openConflicts: c.open_conflicts })) continue;
    // Gone only if still so as the row is deleted: a record brought back meanwhile keeps its content.
    const [gone] = await rows<{ storage_key: string }>(
      db,
      sql`delete from media_content mc where mc.media_id = ${c.media_id}
          and not exists (select 1 from records r where r.id = mc.media_id and not r.deleted)
          and not exists (select 1 from sync_conflicts s where s.record_id = mc.media_id and s.status = 'open')
          returning storage_key`,
    );
    if (!gone) continue;
    await store.remove(gone.storage_key);
    await db.execute(sql`delete from media_uploads where media_id = ${c.media_id}`);
    removed++;
  }
  return removed;
}
