// Media content in a folder on disk, through @tus/file-store: each upload is a file named by its
// id (plus the store's `<id>.json` bookkeeping). One instance, or several sharing the folder.
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { type ByteRange, type ContentStore, assertKey } from './content-store';

export async function diskContentStore(directory: string, expirationMs: number): Promise<ContentStore> {
  await mkdir(directory, { recursive: true });
  const uploads = new FileStore({ directory, expirationPeriodInMilliseconds: expirationMs });
  const file = (key: string) => {
    assertKey(key);
    return path.join(directory, key);
  };
  return {
    uploads,
    async read(key: string, range?: ByteRange): Promise<Readable> {
      const p = file(key);
      // Opened before it is handed over, so a missing file is an error here, not mid-response.
      await stat(p);
      return createReadStream(p, range ? { start: range.start, end: range.end } : {});
    },
    async size(key) {
      try {
        return (await stat(file(key))).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async remove(key) {
      const p = file(key);
      await rm(p, { force: true });
      await rm(`${p}.json`, { force: true });
    },
  };
}
