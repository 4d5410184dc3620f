import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldsyncDb } from '../db';
import { ensureDeviceId } from '../device';
import { RecordValidationError, StorageQuotaError } from '../errors';
import type { WriteContext } from '../local-writes';
import { fakeDb } from '../testing/fake-env';
import { type AttachOptions, attachFile } from './attach';
import { type ImageDownscaler, keepOriginal } from './image-downscale';

const ENTITY = '0193a6f0-0000-7000-8000-000000000001';
const PARENT = '0193a6f0-0000-7000-8000-0000000000aa';
let db: FieldsyncDb;
let ctx: WriteContext;
const now = Date.parse('2026-11-26T08:00:00.000Z');
const opts: AttachOptions = { maxBytes: 1000, maxLongSide: 1600, downscaler: keepOriginal };

async function setup() {
  db = fakeDb(`attach-${Math.random()}`);
  await ensureDeviceId(db);
  ctx = { db, now: () => now };
}
afterEach(() => db?.close());

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function nothingSaved() {
  expect(await db.records.count()).toBe(0);
  expect(await db.outbox.count()).toBe(0);
  expect(await db.mediaBlobs.count()).toBe(0);
  expect(await db.uploads.count()).toBe(0);
}

describe('attaching a file', () => {
  it('saves the media record, its outbox entry, the bytes and the upload row together', async () => {
    await setup();
    const content = bytes(300);
    const rec = await attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file: new Blob([content], { type: 'image/png' }), fileName: 'well.png' }, opts);
    expect(rec).toMatchObject({ type: 'media', entityId: ENTITY, version: 0, server: null });
    expect(rec.data).toEqual({ parentId: PARENT, contentType: 'image/png', size: 300, sha256: hex(content), fileName: 'well.png' });
    const [entry] = await db.outbox.toArray();
    expect(entry).toMatchObject({ recordId: rec.id, type: 'media', action: 'create', parentId: PARENT, status: 'pending' });
    const blob = await db.mediaBlobs.get(rec.id);
    expect(blob).toMatchObject({ size: 300, sha256: hex(content), contentType: 'image/png', confirmed: false, lastUsedAt: now });
    expect(new Uint8Array(await blob!.blob.arrayBuffer())).toEqual(content);
    expect(await db.uploads.get(rec.id)).toMatchObject({ status: 'pending', attempts: 0, bytesTotal: 300, uploadUrl: null });
  });

  it('stores a downscaled photo as JPEG and names the record after what is stored', async () => {
    await setup();
    const small = bytes(50, 1);
    const seen: number[] = [];
    const downscaler: ImageDownscaler = {
      downscale: (_image, maxLongSide) => {
        seen.push(maxLongSide);
        return Promise.resolve(new Blob([small], { type: 'image/jpeg' }));
      },
    };
    const rec = await attachFile(
      ctx,
      { entityId: ENTITY, parentId: PARENT, file: new Blob([bytes(5000)], { type: 'image/png' }), fileName: 'big.photo.png' },
      { ...opts, downscaler },
    );
    expect(seen).toEqual([1600]);
    expect(rec.data).toMatchObject({ contentType: 'image/jpeg', size: 50, sha256: hex(small), fileName: 'big.photo.jpg' });
    expect((await db.mediaBlobs.get(rec.id))!.size).toBe(50);
  });

  it('does not downscale a PDF or audio', async () => {
    await setup();
    const downscaler: ImageDownscaler = { downscale: () => Promise.reject(new Error('must not be called')) };
    const rec = await attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file: new Blob([bytes(10)], { type: 'application/pdf' }), fileName: 'r.pdf' }, { ...opts, downscaler });
    expect(rec.data.contentType).toBe('application/pdf');
    const audio = await attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file: new Blob([bytes(10)], { type: 'audio/mpeg' }), fileName: 'r.mp3' }, { ...opts, downscaler });
    expect(audio.data.contentType).toBe('audio/mpeg');
  });

  it('keeps only the base name of a file name with a path', async () => {
    await setup();
    const rec = await attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file: new Blob([bytes(3)], { type: 'image/jpeg' }), fileName: 'C:\\Users\\ana\\DCIM/p1.jpg' }, opts);
    expect(rec.data.fileName).toBe('p1.jpg');
  });

  it('guesses the type from the extension when the browser gives none', async () => {
    await setup();
    const rec = await attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file: new Blob([bytes(3)]), fileName: 'scan.PDF' }, opts);
    expect(rec.data.contentType).toBe('application/pdf');
  });

  it.each([
    ['an empty file', new Blob([], { type: 'image/png' }), 'a.png'],
    ['a type outside the allowlist', new Blob([bytes(3)], { type: 'text/html' }), 'a.html'],
    ['an executable without a type', new Blob([bytes(3)]), 'setup.exe'],
    ['a file over the limit', new Blob([bytes(1001)], { type: 'application/pdf' }), 'a.pdf'],
    ['a photo still over the limit after downscaling', new Blob([bytes(1001)], { type: 'image/jpeg' }), 'a.jpg'],
    ['a name that is only a path', new Blob([bytes(3)], { type: 'image/png' }), 'photos/'],
  ])('refuses %s with RecordValidationError and saves nothing', async (_what, file, fileName) => {
    await setup();
    await expect(attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file, fileName }, opts)).rejects.toBeInstanceOf(RecordValidationError);
    await nothingSaved();
  });

  it('refuses a parent or entity that is not a UUID', async () => {
    await setup();
    const file = new Blob([bytes(3)], { type: 'image/png' });
    await expect(attachFile(ctx, { entityId: ENTITY, parentId: 'x', file, fileName: 'a.png' }, opts)).rejects.toBeInstanceOf(RecordValidationError);
    await expect(attachFile(ctx, { entityId: 'x', parentId: PARENT, file, fileName: 'a.png' }, opts)).rejects.toBeInstanceOf(RecordValidationError);
    await nothingSaved();
  });

  it.each(['mediaBlobs', 'uploads', 'outbox'])('surfaces a full disk while writing %s as StorageQuotaError and saves nothing', async (table) => {
    await setup();
    db.close();
    db.use({
      stack: 'dbcore',
      name: 'quota',
      create: (down) => ({
        ...down,
        table: (name) => {
          const t = down.table(name);
          return name === table ? { ...t, mutate: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) } : t;
        },
      }),
    });
    await db.open();
    const file = new Blob([bytes(100)], { type: 'image/png' });
    await expect(attachFile(ctx, { entityId: ENTITY, parentId: PARENT, file, fileName: 'a.png' }, opts)).rejects.toBeInstanceOf(StorageQuotaError);
    await nothingSaved();
  });
});
