import { afterEach, describe, expect, it } from 'vitest';
import type { FieldsyncDb, MediaBlobRow } from '../db';
import { fakeDb } from '../testing/fake-env';
import { evictIfNeeded } from './eviction';

let db: FieldsyncDb;
afterEach(() => db?.close());

const row = (id: string, size: number, confirmed: boolean, lastUsedAt: number): MediaBlobRow => ({
  id, blob: new Blob([new Uint8Array(size)]), size, sha256: '0'.repeat(64), contentType: 'image/jpeg', confirmed, lastUsedAt,
});

async function setup(rows: MediaBlobRow[]) {
  db = fakeDb(`evict-${Math.random()}`);
  await db.mediaBlobs.bulkPut(rows);
}
const left = async () => (await db.mediaBlobs.toCollection().primaryKeys()).sort();

describe('media eviction', () => {
  it('keeps everything while usage is at most 80% of the quota', async () => {
    await setup([row('a', 100, true, 1)]);
    expect(await evictIfNeeded(db, () => Promise.resolve({ usage: 800, quota: 1000 }))).toEqual([]);
    expect(await left()).toEqual(['a']);
  });

  it('drops confirmed blobs least recently used first, only as many as bring usage under the mark', async () => {
    await setup([row('new', 100, true, 30), row('old', 100, true, 10), row('mid', 100, true, 20)]);
    // 150 over the mark: the two oldest go.
    expect(await evictIfNeeded(db, () => Promise.resolve({ usage: 950, quota: 1000 }))).toEqual(['old', 'mid']);
    expect(await left()).toEqual(['new']);
  });

  it('never drops bytes the server has not confirmed, however full the disk', async () => {
    await setup([row('unsent', 500, false, 1), row('sent', 100, true, 2), row('unsent2', 300, false, 3)]);
    expect(await evictIfNeeded(db, () => Promise.resolve({ usage: 1000, quota: 1000 }))).toEqual(['sent']);
    expect(await left()).toEqual(['unsent', 'unsent2']);
  });

  it('does nothing when the browser cannot say', async () => {
    await setup([row('a', 100, true, 1)]);
    expect(await evictIfNeeded(db, () => Promise.resolve(null))).toEqual([]);
    expect(await evictIfNeeded(db, () => Promise.reject(new Error('no estimate')))).toEqual([]);
    expect(await left()).toEqual(['a']);
  });
});
