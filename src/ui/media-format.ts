// How the screens show photos and files: sizes and byte progress in words, an item's status with
// the upload the engine is running folded in, what the pickers accept, and the "photos n of N,
// x MB of y MB" summary for the status bar and the queue, and why an attachment was not saved. Pure.
import { RecordValidationError, StorageQuotaError } from '@/client/errors';
import type { MediaItem, MediaStatus, MediaSummary, UploadProgress } from '@/client/media/media-list';

export type { MediaStatus, UploadProgress };
/** One photo or file under a record, as the engine lists it. */
export type MediaView = MediaItem;
/** The store's totals over this device's uploads. */
export type MediaTotals = MediaSummary;

export const PHOTO_ACCEPT = 'image/*';
export const FILE_ACCEPT = 'image/*,application/pdf,audio/*';

/** "0 B", "820 KB", "1.2 MB" (decimal units, as phones and file managers show them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} KB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(1)} GB`;
}

/** "1.2 MB of 2.0 MB": both in the unit of the total, so the pair reads as one quantity. */
export function byteProgress(sent: number, total: number): string {
  if (total < 1_000_000) return `${formatBytes(sent)} of ${formatBytes(total)}`;
  const mb = (n: number) => (n / 1_000_000).toFixed(1);
  return `${mb(Math.min(sent, total))} MB of ${mb(total)} MB`;
}

export type MediaKind = 'image' | 'pdf' | 'audio' | 'other';

export function mediaKind(contentType: string): MediaKind {
  const t = contentType.toLowerCase();
  if (t.startsWith('image/')) return 'image';
  if (t === 'application/pdf') return 'pdf';
  if (t.startsWith('audio/')) return 'audio';
  return 'other';
}

const STATUS_LABEL: Record<Exclude<MediaStatus, 'remote'>, string> = {
  pending: 'waiting to upload',
  uploading: 'uploading',
  uploaded: 'uploaded',
  failed: 'upload failed',
  rejected: 'rejected',
};

const BADGE_CLASS: Record<Exclude<MediaStatus, 'remote'>, string> = {
  pending: 'pending',
  uploading: 'syncing',
  uploaded: 'synced',
  failed: 'failed',
  rejected: 'rejected',
};

/** The badge of an item: its upload here, or for someone else's media whether the server has the bytes. */
export function mediaBadge(item: Pick<MediaView, 'status' | 'contentAvailable'>): { label: string; className: string } {
  if (item.status === 'remote') return item.contentAvailable ? { label: 'uploaded', className: 'synced' } : { label: 'not uploaded yet', className: 'pending' };
  return { label: STATUS_LABEL[item.status], className: BADGE_CLASS[item.status] };
}

/** The item as it stands now: the engine's running upload, when there is one, is the newer word. */
export function withUpload(item: MediaView, upload: UploadProgress | undefined): MediaView {
  if (!upload || item.status === 'remote') return item;
  return { ...item, status: upload.status, bytesSent: upload.bytesSent, error: upload.error };
}

/** Whether the bytes can be shown: taken here, or complete on the server. */
export function contentReachable(item: MediaView): boolean {
  return item.onDevice || item.contentAvailable;
}

/**
 * "Photos 1 of 3 uploaded · 2.1 MB of 6.0 MB" while uploads remain; null when there is nothing
 * left to send (finished uploads are history, not news).
 */
export function mediaSummary(m: MediaTotals): string | null {
  const open = m.pending + m.uploading + m.failed;
  if (open === 0) return null;
  const total = open + m.uploaded;
  return `Photos ${m.uploaded} of ${total} uploaded · ${byteProgress(m.bytesSent, m.bytesTotal)}`;
}

/** What the person is told when a photo or file could not be saved on the device. */
export function attachErrorMessage(e: unknown, fileName: string): string {
  if (e instanceof StorageQuotaError) return `This device is full: “${fileName}” was not saved. Free some space on the device, then try again.`;
  if (e instanceof RecordValidationError) return `“${fileName}” was not saved: ${e.message}`;
  return `“${fileName}” was not saved: ${e instanceof Error ? e.message : String(e)}`;
}

const asSentence = (s: string) => {
  const t = s.trim();
  const ended = /[.!?]$/.test(t) ? t : `${t}.`;
  return `${ended.charAt(0).toUpperCase()}${ended.slice(1)}`;
};

/** A failed upload's line: the engine's error as a sentence, and that nothing is lost. */
export function uploadFailureText(error: string | null): string {
  return `${asSentence(error ?? 'The upload stopped')} It is tried again by itself; you can also retry now.`;
}

/** Why the server refused an upload, as a sentence. */
export function uploadRejectedText(error: string | null): string {
  return `The server refused it: ${asSentence(error ?? 'no reason given')}`;
}
