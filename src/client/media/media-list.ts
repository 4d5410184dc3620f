// What the UI shows of media: the files attached to a record with their upload state, and the
// summary of this device's uploads for the sync store. Another user's media (known from pull,
// no upload row here) is 'remote'; contentAvailable says whether the server has its bytes.
import type { UploadStatus } from '@/core/upload-state';
import type { FieldsyncDb, LocalRecord, UploadRow } from '../db';

export type MediaStatus = UploadStatus | 'remote';

export interface MediaItem {
  readonly id: string;
  readonly parentId: string;
  readonly entityId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly status: MediaStatus;
  readonly bytesSent: number;
  readonly error: string | null;
  /** The bytes are on this device. */
  readonly onDevice: boolean;
  /** The server holds the bytes. */
  readonly contentAvailable: boolean;
}

export interface UploadProgress {
  readonly status: UploadStatus;
  readonly bytesSent: number;
  readonly bytesTotal: number;
  readonly error: string | null;
}

export interface MediaSummary {
  readonly pending: number;
  readonly uploading: number;
  readonly uploaded: number;
  readonly failed: number;
  readonly rejected: number;
  readonly bytesSent: number;
  readonly bytesTotal: number;
}

export const EMPTY_MEDIA_SUMMARY: MediaSummary = { pending: 0, uploading: 0, uploaded: 0, failed: 0, rejected: 0, bytesSent: 0, bytesTotal: 0 };

export type LiveBytes = (mediaId: string) => number | undefined;

export function progressOf(row: UploadRow, live: LiveBytes): UploadProgress {
  const bytesSent =
    row.status === 'uploaded' ? row.bytesTotal : row.status === 'uploading' ? Math.max(row.bytesSent, live(row.id) ?? 0) : 0;
  const error = row.status === 'failed' || row.status === 'rejected' ? row.lastError : null;
  return { status: row.status, bytesSent: Math.min(bytesSent, row.bytesTotal), bytesTotal: row.bytesTotal, error };
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

export async function listMedia(db: FieldsyncDb, parentId: string, live: LiveBytes): Promise<MediaItem[]> {
  const records = await db.records
    .where('type')
    .equals('media')
    .filter((r) => !r.deleted && r.data.parentId === parentId)
    .toArray();
  const ids = records.map((r) => r.id);
  const [uploads, blobKeys] = await Promise.all([db.uploads.bulkGet(ids), db.mediaBlobs.where('id').anyOf(ids).primaryKeys()]);
  const onDevice = new Set(blobKeys);
  return records
    .map((r, i) => item(r, uploads[i], onDevice.has(r.id), live))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function item(r: LocalRecord, row: UploadRow | undefined, onDevice: boolean, live: LiveBytes): MediaItem {
  const progress = row ? progressOf(row, live) : null;
  return {
    id: r.id,
    parentId: str(r.data.parentId, ''),
    entityId: r.entityId,
    fileName: str(r.data.fileName, 'file'),
    contentType: str(r.data.contentType, 'application/octet-stream'),
    size: typeof r.data.size === 'number' ? r.data.size : 0,
    status: progress?.status ?? 'remote',
    bytesSent: progress?.bytesSent ?? 0,
    error: progress?.error ?? null,
    onDevice,
    contentAvailable: progress?.status === 'uploaded' || r.contentAvailable === true,
  };
}

/** The device's uploads not settled yet, rejected ones (they need the user), and those uploaded within `recentMs`. */
export async function summarizeUploads(
  db: FieldsyncDb,
  now: number,
  recentMs: number,
  live: LiveBytes,
): Promise<{ media: MediaSummary; uploads: Record<string, UploadProgress> }> {
  const rows = await db.uploads.toArray();
  const media = { ...EMPTY_MEDIA_SUMMARY };
  const uploads: Record<string, UploadProgress> = {};
  for (const row of rows) {
    if (row.status === 'uploaded' && now - row.settledAt > recentMs) continue;
    const p = progressOf(row, live);
    uploads[row.id] = p;
    media[row.status] += 1;
    media.bytesSent += p.bytesSent;
    media.bytesTotal += p.bytesTotal;
  }
  return { media, uploads };
}
