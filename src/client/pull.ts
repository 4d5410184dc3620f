// Pull: GET /api/v1/sync/pull from the stored cursor, page after page. Each page and the new
// cursor are stored in one transaction. Pulled data never overwrites a record with unsynced
// local work (only its server copy is refreshed; the push and its conflict rule settle it).
// A removed entity takes its synced records with it, never unsynced work. INVALID_CURSOR
// drops the cursor and starts over.
import type { PullResponse, SyncRecord } from '@/protocol';
import { type FieldsyncDb, type LocalRecord, META, getMeta, setMeta } from './db';
import { receiveStamps } from './device';
import { HttpError } from './errors';
import type { Transport } from './transport';

export interface PullContext {
  readonly db: FieldsyncDb;
  readonly now: () => number;
  readonly transport: Transport;
  readonly token: string;
  readonly limit: number;
  onProgress(pages: number, records: number): void;
}

const UNSYNCED = ['pending', 'syncing', 'failed', 'rejected'] as const;

export async function pullAll(ctx: PullContext): Promise<{ pages: number; records: number }> {
  let pages = 0;
  let records = 0;
  let restarted = false;
  ctx.onProgress(pages, records);
  const fetchPage = (cursor: string | null): Promise<PullResponse> => {
    const page = ctx.transport.pull(ctx.token, cursor, ctx.limit);
    // Awaited later, or dropped when storing the page before it failed: never unhandled.
    page.catch(() => {});
    return page;
  };
  let cursor = (await getMeta<string>(ctx.db, META.cursor)) ?? null;
  let next = fetchPage(cursor);
  for (;;) {
    let page: PullResponse;
    try {
      page = await next;
    } catch (e) {
      if (e instanceof HttpError && e.code === 'INVALID_CURSOR' && cursor !== null && !restarted) {
        restarted = true;
        await ctx.db.meta.delete(META.cursor);
        cursor = null;
        next = fetchPage(cursor);
        continue;
      }
      throw e;
    }
    // The next page is on its way while this one is stored (the two take about as long); the
    // stored cursor still moves only with the page it belongs to.
    if (page.hasMore) next = fetchPage(page.cursor);
    await storePage(ctx.db, page, ctx.now());
    cursor = page.cursor;
    pages += 1;
    records += page.changes.length;
    ctx.onProgress(pages, records);
    if (!page.hasMore) return { pages, records };
  }
}

/** One page and its cursor, in one transaction; records read and written in bulk. */
export async function storePage(db: FieldsyncDb, page: PullResponse, now: number): Promise<void> {
  await db.transaction('rw', [db.records, db.outbox, db.uploads, db.entities, db.meta], async () => {
    const ids = page.changes.map((c) => c.id);
    const unsynced = await withUnsyncedWork(db, ids);
    const stored = await db.records.bulkGet(ids);
    const local = new Map<string, LocalRecord>();
    stored.forEach((r) => r && local.set(r.id, r));
    const changed = new Set<string>();
    for (const s of page.changes) {
      const next = pulled(local.get(s.id), s, unsynced.has(s.id));
      if (!next) continue;
      local.set(s.id, next);
      changed.add(s.id);
    }
    await db.records.bulkPut([...changed].map((id) => local.get(id)!));
    for (const entityId of page.removedEntityIds) {
      const inEntity = await db.records.where('entityId').equals(entityId).primaryKeys();
      const keep = await withUnsyncedWork(db, inEntity);
      const bytes = await withBytesToUpload(db, inEntity);
      // The upload queue forgets the bytes of a media record that left the device: a photo
      // whose bytes the server lacks stays, or a brief unassignment would lose it for good.
      await db.records.bulkDelete(inEntity.filter((id) => !keep.has(id) && !bytes.has(id)));
      await db.entities.delete(entityId);
    }
    if (page.entities.length > 0) {
      await db.entities.clear();
      await db.entities.bulkPut(page.entities);
    }
    await setMeta(db, META.cursor, page.cursor);
    await receiveStamps(db, [...page.changes.map((c) => c.hlc), page.serverHlc], now);
  });
}

/** Which of these records have unsynced work in the outbox (read by record id, not the whole outbox). */
async function withUnsyncedWork(db: FieldsyncDb, recordIds: readonly string[]): Promise<Set<string>> {
  if (recordIds.length === 0) return new Set();
  const entries = await db.outbox.where('recordId').anyOf([...recordIds]).toArray();
  return new Set(entries.filter((e) => (UNSYNCED as readonly string[]).includes(e.status)).map((e) => e.recordId));
}

/** Which of these media records have bytes not yet on the server (their upload not finished). */
async function withBytesToUpload(db: FieldsyncDb, recordIds: readonly string[]): Promise<Set<string>> {
  if (recordIds.length === 0) return new Set();
  const uploads = await db.uploads.bulkGet([...recordIds]);
  return new Set(uploads.filter((u) => u !== undefined && u.status !== 'uploaded').map((u) => u!.id));
}

/** The record after a pulled version, or null when it stays as it is. */
function pulled(local: LocalRecord | undefined, s: SyncRecord, hasUnsyncedWork: boolean): LocalRecord | null {
  if (local?.server && local.server.version > s.version) return null; // we already know a newer version
  const server = { version: s.version, data: s.data, deleted: s.deleted, hlc: s.hlc, updatedBy: s.updatedBy };
  // Media: whether the server holds the bytes (server-kept beside the record; absent from older servers).
  const available = s.contentAvailable ?? local?.contentAvailable;
  const content = available === undefined ? {} : { contentAvailable: available };
  if (local && hasUnsyncedWork) return { ...local, server, ...content };
  return {
    id: s.id, type: s.type, entityId: s.entityId, data: s.data, deleted: s.deleted,
    version: s.version, hlc: s.hlc, updatedBy: s.updatedBy, server, ...content,
  };
}
