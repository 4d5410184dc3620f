// One contract for every content store adapter: what the tus layer and the download rely on.
// The disk adapter always runs; S3 runs against a real S3-compatible service when
// FIELDSYNC_TEST_S3_BUCKET (+ FIELDSYNC_TEST_S3_ENDPOINT, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY)
// names one. s3rver cannot serve @tus/s3-store (it has no ListParts), so it is not used here.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/utils';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContentStore } from './content-store';
import { diskContentStore } from './disk-content-store';
import { s3ContentStore } from './s3-content-store';

interface Adapter {
  readonly name: string;
  open(): Promise<ContentStore>;
}

const dirs: string[] = [];
const adapters: Adapter[] = [
  {
    name: 'disk',
    open: async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-content-'));
      dirs.push(dir);
      return diskContentStore(dir, 60_000);
    },
  },
];
const bucket = process.env.FIELDSYNC_TEST_S3_BUCKET;
if (bucket)
  adapters.push({
    name: 's3',
    open: async () =>
      s3ContentStore(
        {
          bucket,
          endpoint: process.env.FIELDSYNC_TEST_S3_ENDPOINT,
          region: process.env.FIELDSYNC_TEST_S3_REGION ?? 'us-east-1',
          accessKeyId: process.env.FIELDSYNC_TEST_S3_ACCESS_KEY_ID,
          secretAccessKey: process.env.FIELDSYNC_TEST_S3_SECRET_ACCESS_KEY,
          forcePathStyle: true,
        },
        60_000,
      ),
  });
else console.warn('content store contract: FIELDSYNC_TEST_S3_BUCKET unset, the S3 adapter is NOT tested here');

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const newKey = () => randomBytes(16).toString('hex');

describe.each(adapters)('the $name content store', (adapter) => {
  it('takes an upload in two writes, tells its offset and size, and reads it whole or by range', async () => {
    const store = await adapter.open();
    const key = newKey();
    // Over S3's 5 MiB minimum part, so a multipart upload of two parts really happens there.
    const content = randomBytes(6 * 1024 * 1024 + 123);
    const half = 3 * 1024 * 1024;
    await store.uploads.create(new Upload({ id: key, size: content.length, offset: 0, metadata: { mediaId: 'm' } }));
    expect(await store.uploads.write(Readable.from([content.subarray(0, half)]), key, 0)).toBe(half);
    expect((await store.uploads.getUpload(key)).offset).toBe(half);
    expect(await store.uploads.write(Readable.from([content.subarray(half)]), key, half)).toBe(content.length);
    const upload = await store.uploads.getUpload(key);
    expect([upload.offset, upload.size, upload.metadata?.mediaId]).toEqual([content.length, content.length, 'm']);
    expect(await store.size(key)).toBe(content.length);
    expect((await bytesOf(await store.read(key))).equals(content)).toBe(true);
    expect((await bytesOf(await store.read(key, { start: 10, end: 19 }))).equals(content.subarray(10, 20))).toBe(true);
  });

  it('removes content and its bookkeeping, and removing nothing is no error', async () => {
    const store = await adapter.open();
    const key = newKey();
    await store.uploads.create(new Upload({ id: key, size: 3, offset: 0 }));
    await store.uploads.write(Readable.from([Buffer.from('abc')]), key, 0);
    await store.remove(key);
    expect(await store.size(key)).toBeNull();
    await expect(store.uploads.getUpload(key)).rejects.toBeTruthy();
    await expect(store.read(key)).rejects.toBeTruthy();
    await store.remove(key);
    expect(await store.size(newKey())).toBeNull();
  });

  it('refuses a key that is not an upload id of ours', async () => {
    const store = await adapter.open();
    await expect(store.read('../etc/passwd')).rejects.toThrow(/not a storage key/);
  });
});
