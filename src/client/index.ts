// The client sync engine's public API. The UI creates one engine per tab with
// `createBrowserSyncEngine`, reads `engine.store` (Zustand vanilla) and calls the engine's
// methods; everything else here is for tests and tooling.
import { browserEnvironment } from './browser-env';
import { cacheCopyStore } from './copy-store';
import { FieldsyncDb } from './db';
import { SyncEngine, type SyncEngineOptions } from './engine';

export { SyncEngine, type SyncEngineOptions, type RecordFilter, type TriggerReason } from './engine';
export { FieldsyncDb, type LocalRecord, type OutboxEntry, type ServerCopy } from './db';
export type { EngineState, SyncStore, SyncStoreState } from './sync-store';
export type { StatusCounts, UnsyncedExport } from './outbox-queue';
export type { CreateInput } from './local-writes';
export type { RestoredWork } from './safety-copy';
export type { ImportResult } from './import-unsynced';
export { formsForEntity, storedForm } from './forms';
export { type DraftTarget, clearDraft, draftKey, loadDraft, saveDraft } from './drafts';
export type { AttachInput } from './media/attach';
export type { MediaItem, MediaStatus, MediaSummary, UploadProgress } from './media/media-list';
export type { ImageDownscaler } from './media/image-downscale';
export { keepOriginal } from './media/image-downscale';
export type { Uploader, UploadJob } from './media/tus-upload';
export type { UploadOutcome } from './media/upload-outcome';
export type { EstimateStorage, StorageEstimate } from './media/eviction';
export { DEFAULT_MEDIA_MAX_BYTES, DEFAULT_MEDIA_MAX_LONG_SIDE, isAllowedContentType } from './media/media-rules';
export type { Environment } from './env';
export { browserEnvironment, SYNC_MESSAGE_TYPE } from './browser-env';
export { createTransport, type Transport } from './transport';
export * from './errors';

export const DEFAULT_DB_NAME = 'fieldsync';

export interface BrowserEngineOptions extends Partial<Omit<SyncEngineOptions, 'db' | 'env'>> {
  readonly dbName?: string;
}

/** Opens the device database and starts an engine with the browser's environment. */
export async function createBrowserSyncEngine(opts: BrowserEngineOptions = {}): Promise<SyncEngine> {
  const { dbName, ...rest } = opts;
  const name = dbName ?? DEFAULT_DB_NAME;
  const engine = await SyncEngine.open({
    baseUrl: '', formsCache: true, copyStore: cacheCopyStore(`${name}:safety-copy`), ...rest, db: new FieldsyncDb(name), env: browserEnvironment(),
  });
  engine.start();
  return engine;
}
