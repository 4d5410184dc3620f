// Where tus-js-client keeps the upload URL it resumes from: the media's row in the `uploads`
// table, so an upload cut by a reload, a crash or a lost connection continues at the server's
// offset instead of starting over.
import type { FieldsyncDb } from '../db';
import type { TusPreviousUpload, TusUrlStorage } from './tus-types';

export function uploadFingerprint(mediaId: string): string {
  return `fieldsync-media:${mediaId}`;
}

export function uploadUrlStorage(db: FieldsyncDb, mediaId: string): TusUrlStorage {
  const find = async (): Promise<TusPreviousUpload[]> => {
    const row = await db.uploads.get(mediaId);
    if (!row?.uploadUrl) return [];
    return [{
      size: row.bytesTotal, metadata: {}, creationTime: new Date(row.createdAt).toISOString(),
      urlStorageKey: mediaId, uploadUrl: row.uploadUrl, parallelUploadUrls: null,
    }];
  };
  return {
    findAllUploads: find,
    findUploadsByFingerprint: find,
    removeUpload: async () => {
      await db.uploads.update(mediaId, { uploadUrl: null });
    },
    addUpload: async (_fingerprint, upload) => {
      await db.uploads.update(mediaId, { uploadUrl: upload.uploadUrl });
      return mediaId;
    },
  };
}
