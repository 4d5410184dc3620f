// The bytes of a media record for display: the copy on this device when there is one;
// otherwise, online, GET /api/v1/media/{id}/content, checked against the record's SHA-256 and
// cached as confirmed (evictable). Null when the bytes are not to be had now: still on the field
// worker's device (409 CONTENT_PENDING), or offline and not cached. The server is asked even
// when the last pull said the content was missing: the pull feed does not send a record again
// when only its content arrived, so the answer here is what keeps contentAvailable current.
import type { FieldsyncDb } from '../db';
import type { FetchLike } from '../env';
import { sha256Hex } from './sha256';

export interface DownloadDeps {
  readonly db: FieldsyncDb;
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  now(): number;
  token(): string | null;
  isOnline(): boolean;
  /** After a download was cached: make room if storage runs short. */
  cached(mediaId: string): void;
}

export async function mediaContent(deps: DownloadDeps, id: string): Promise<Blob | null> {
  const { db } = deps;
  const local = await db.mediaBlobs.get(id);
  if (local) {
    db.mediaBlobs.update(id, { lastUsedAt: deps.now() }).catch(() => undefined);
    return local.blob;
  }
  const record = await db.records.get(id);
  if (!record || record.type !== 'media') return null;
  const token = deps.token();
  if (token === null || !deps.isOnline()) return null;
  let blob: Blob;
  try {
    const res = await deps.fetch(`${deps.baseUrl}/api/v1/media/${encodeURIComponent(id)}/content`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 409) await noteAvailable(db, id, false);
      return null;
    }
    blob = await res.blob();
  } catch {
    return null; // unreachable: as if offline
  }
  const data = record.data as { sha256?: unknown; contentType?: unknown };
  const sha256 = await sha256Hex(blob);
  if (typeof data.sha256 === 'string' && data.sha256 !== sha256) return null;
  const contentType = typeof data.contentType === 'string' ? data.contentType : blob.type;
  const typed = blob.type === contentType ? blob : new Blob([blob], { type: contentType });
  await noteAvailable(db, id, true);
  try {
    await db.mediaBlobs.put({ id, blob: typed, size: typed.size, sha256, contentType, confirmed: true, lastUsedAt: deps.now() });
    deps.cached(id);
  } catch {
    // Not cached (the disk is full): the bytes are still shown.
  }
  return typed;
}

/** Server-kept, not part of the record's version: stored beside it without an outbox entry. */
async function noteAvailable(db: FieldsyncDb, id: string, available: boolean): Promise<void> {
  await db.records.update(id, { contentAvailable: available }).catch(() => undefined);
}
