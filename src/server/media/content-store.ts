// Where media content lives: one small interface over the tus DataStore that receives uploads
// and what the download and the sweeps need (read a byte range as a stream, its size, remove).
// Two adapters: a folder on disk (disk-content-store.ts) and S3-compatible object storage
// (s3-content-store.ts); the same contract suite runs against both (content-store.contract.test.ts).
import type { Readable } from 'node:stream';
import type { DataStore } from '@tus/utils';

/** Inclusive byte range, as HTTP Range writes it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface ContentStore {
  /** What @tus/server writes uploads through; content is kept under the upload's id. */
  readonly uploads: DataStore;
  /** The bytes under `key` (all, or `range`), as a stream; never read whole into memory. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Bytes stored under `key` so far, or null when nothing is. */
  size(key: string): Promise<number | null>;
  /** Removes the bytes and the upload's bookkeeping under `key`; a no-op when there are none. */
  remove(key: string): Promise<void>;
}

/** Upload ids are ours (upload-id.ts): hex only, so they are safe as file names and object keys. */
export const STORAGE_KEY = /^[0-9a-f]{32}$/;

export function assertKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
}
