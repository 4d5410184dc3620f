// How the screens show photos and files: sizes and byte progress in words, an item's status with
// the upload the engine is running folded in, what the pickers accept, and the "photos n of N,
// x MB of y MB" summary for the status bar and the queue, and why an attachment was not saved. Pure:
// the words come from the `media` catalogue through the given t, the numbers from Intl in `lang`.
import type { TFunction } from 'i18next';
import { StorageQuotaError } from '@/client/errors';
import type { MediaItem, MediaStatus, MediaSummary, UploadProgress } from '@/client/media/media-list';

export type { MediaStatus, UploadProgress };
/** One photo or file under a record, as the engine lists it. */
export type MediaView = MediaItem;
/** The store's totals over this device's uploads. */
export type MediaTotals = MediaSummary;

export const PHOTO_ACCEPT = 'image/*';
export const FILE_ACCEPT = 'image/*,application/pdf,audio/*';

export type MediaT = TFunction<'media'>;

type ByteUnit = 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte';
const inUnit = (lang: string, n: number, unit: ByteUnit, digits: number) =>
  new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

/** "0 byte", "820 kB", "1.2 MB", "1,2 Mo" (decimal units, as phones and file managers show them). */
export function formatBytes(n: number, lang: string): string {
  if (n < 1000) return inUnit(lang, n, 'byte', 0);
  if (n < 1_000_000) return inUnit(lang, Math.round(n / 1000), 'kilobyte', 0);
  if (n < 1_000_000_000) return inUnit(lang, n / 1_000_000, 'megabyte', 1);
  return inUnit(lang, n / 1_000_000_000, 'gigabyte', 1);
}

/** "1.2 MB of 2.0 MB": both in the unit of the total, so the pair reads as one quantity. */
export function byteProgress(sent: number, total: number, t: MediaT, lang: string): string {
  if (total < 1_000_000) return t('progress', { sent: formatBytes(sent, lang), total: formatBytes(total, lang) });
  return t('progress', { sent: inUnit(lang, Math.min(sent, total) / 1_000_000, 'megabyte', 1), total: inUnit(lang, total / 1_000_000, 'megabyte', 1) });
}

export type MediaKind = 'image' | 'pdf' | 'audio' | 'other';

export function mediaKind(contentType: string): MediaKind {
  const t = contentType.toLowerCase();
  if (t.startsWith('image/')) return 'image';
  if (t === 'application/pdf') return 'pdf';
  if (t.startsWith('audio/')) return 'audio';
  return 'other';
}

const BADGE_CLASS: Record<Exclude<MediaStatus, 'remote'>, string> = {
  pending: 'pending',
  uploading: 'syncing',
  uploaded: 'synced',
  failed: 'failed',
  rejected: 'rejected',
};

/** The badge of an item: its upload here, or for someone else's media whether the server has the bytes. */
export function mediaBadge(item: Pick<MediaView, 'status' | 'contentAvailable'>, t: MediaT): { label: string; className: string } {
  if (item.status === 'remote') return item.contentAvailable ? { label: t('status.uploaded'), className: 'synced' } : { label: t('status.notUploaded'), className: 'pending' };
  return { label: t(`status.${item.status}`), className: BADGE_CLASS[item.status] };
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
export function mediaSummary(m: MediaTotals, t: MediaT, lang: string): string | null {
  const open = m.pending + m.uploading + m.failed;
  if (open === 0) return null;
  const num = new Intl.NumberFormat(lang);
  return t('summary', { uploaded: num.format(m.uploaded), total: num.format(open + m.uploaded), bytes: byteProgress(m.bytesSent, m.bytesTotal, t, lang) });
}

/** What the person is told when a photo or file could not be saved on the device. */
export function attachErrorMessage(e: unknown, fileName: string, t: MediaT): string {
  if (e instanceof StorageQuotaError) return t('deviceFull', { name: fileName });
  return t('notSaved', { name: fileName, reason: e instanceof Error ? e.message : String(e) });
}

const asSentence = (s: string) => {
  const t = s.trim();
  const ended = /[.!?]$/.test(t) ? t : `${t}.`;
  return `${ended.charAt(0).toUpperCase()}${ended.slice(1)}`;
};

/** A failed upload's line: the engine's error as a sentence, and that nothing is lost. */
export function uploadFailureText(error: string | null, t: MediaT): string {
  return t('uploadFailed', { reason: asSentence(error ?? t('uploadStopped')) });
}

/** Why the server refused an upload, as a sentence. */
export function uploadRejectedText(error: string | null, t: MediaT): string {
  return t('refused', { reason: asSentence(error ?? t('noReason')) });
}
