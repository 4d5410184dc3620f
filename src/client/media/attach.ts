// Attaching a file to a record: check it, downscale a large photo, hash the bytes that will be
// stored, then save in ONE transaction the media record, its outbox entry, the bytes and the
// upload row. A full disk or any failure leaves none of them (invariants 1 and 13).
import { initialUploadState } from '@/core/upload-state';
import { IdSchema } from '@/protocol';
import type { LocalRecord, MediaBlobRow, UploadRow } from '../db';
import { RecordValidationError, StorageQuotaError, isQuotaError } from '../errors';
import { type WriteContext, createRecord } from '../local-writes';
import type { ImageDownscaler } from './image-downscale';
import { checkMedia, contentTypeOf, jpegName } from './media-rules';
import { sha256Hex } from './sha256';

export interface AttachInput {
  readonly entityId: string;
  /** The record the file belongs to (an assessment or a response). */
  readonly parentId: string;
  readonly file: Blob;
  readonly fileName: string;
}

export interface AttachOptions {
  readonly maxBytes: number;
  readonly maxLongSide: number;
  readonly downscaler: ImageDownscaler;
}

/** The rows of bytes this device holds and has yet to upload. */
export function newMediaRows(id: string, blob: Blob, sha256: string, contentType: string, now: number): { blob: MediaBlobRow; upload: UploadRow } {
  return {
    blob: { id, blob, size: blob.size, sha256, contentType, confirmed: false, lastUsedAt: now },
    upload: { ...initialUploadState, id, bytesTotal: blob.size, uploadUrl: null, createdAt: now, updatedAt: now },
  };
}

export async function attachFile(ctx: WriteContext, input: AttachInput, opts: AttachOptions): Promise<LocalRecord> {
  if (!IdSchema.safeParse(input.parentId).success) throw new RecordValidationError('parentId must be a UUID');
  let blob = input.file;
  let contentType = contentTypeOf(blob, input.fileName);
  // Refuse before any work on the bytes; an image's size is judged after downscaling.
  const image = contentType.startsWith('image/');
  let fileName = checkMedia({ size: blob.size, contentType, fileName: input.fileName }, image ? Infinity : opts.maxBytes);
  if (image) {
    const smaller = await opts.downscaler.downscale(blob, opts.maxLongSide);
    if (smaller && smaller.size > 0) {
      blob = smaller;
      contentType = 'image/jpeg';
      fileName = jpegName(fileName);
    }
  }
  checkMedia({ size: blob.size, contentType, fileName }, opts.maxBytes);
  const sha256 = await sha256Hex(blob);
  const { db } = ctx;
  try {
    return await db.transaction('rw', [db.records, db.outbox, db.meta, db.mediaBlobs, db.uploads], async () => {
      const record = await createRecord(ctx, {
        type: 'media',
        entityId: input.entityId,
        data: { parentId: input.parentId, contentType, size: blob.size, sha256, fileName },
      });
      const rows = newMediaRows(record.id, blob, sha256, contentType, ctx.now());
      await db.mediaBlobs.add(rows.blob);
      await db.uploads.add(rows.upload);
      return record;
    });
  } catch (e) {
    if (e instanceof StorageQuotaError) throw e;
    if (isQuotaError(e)) throw new StorageQuotaError(e);
    throw e;
  }
}
