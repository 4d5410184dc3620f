// Media on the device against the REAL server handlers of this repo (tus uploads, content
// downloads, pull), in process on PGlite, through a network the test controls: the engine's
// tus client uploads after the record's push, resumes after a cut where the server stopped,
// and another device downloads and caches the bytes.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, rows } from '@/server/db/database';
import { testDatabases } from '@/server/db/test-databases';
import { DEMO_ENTITIES, DEMO_PASSWORD } from '@/server/seed/demo';
import { type TestServer, createTestServer } from '@/server/test-server';
import { type CopyStore, memoryCopyStore } from '../copy-store';
import type { SyncEngineOptions } from '../engine';
import type { FetchLike } from '../env';
import { ControlledNetwork } from '../testing/controlled-network';
import { Device, idleAll } from '../testing/device';
import { FakeTime } from '../testing/fake-env';
import { keepOriginal } from './image-downscale';

const NORTH = DEMO_ENTITIES.campNorth.id;
const CHUNK = 64 * 1024;

let database: Database;
let server: TestServer;
let net: ControlledNetwork;
let time: FakeTime;
const devices: Device[] = [];

interface MediaCall {
  readonly method: string;
  readonly path: string;
  readonly offset: number | null;
  readonly status: number | 'dropped';
}
const calls: MediaCall[] = [];
/** Drops the response of the media request it matches (once), after the server handled it. */
let dropResponse: ((c: { method: string; path: string; offset: number | null }) => boolean) | null = null;
/** Upload requests fail before the server sees them (the photo stays on the device). */
let holdUploads = false;

/** The sync routes through the controlled network; the media routes (with ids in the path) to their handlers. */
const fetch: FetchLike = async (input, init) => {
  const request = new Request(new URL(input, 'http://fieldsync.test'), init);
  const p = new URL(request.url).pathname;
  const api = server.api as unknown as Record<string, (r: Request) => Promise<Response>>;
  const handler =
    p === '/api/v1/media/uploads' ? api.mediaUploadCreate
    : p.startsWith('/api/v1/media/uploads/') ? api.mediaUpload
    : /^\/api\/v1\/media\/[^/]+\/content$/.test(p) ? api.mediaContent
    : undefined;
  if (!handler) return net.fetch(input, init);
  if (net.down || (holdUploads && p.startsWith('/api/v1/media/uploads'))) throw new TypeError('fetch failed: network is down');
  const offsetHeader = request.headers.get('upload-offset');
  const call = { method: request.method, path: p, offset: offsetHeader === null ? null : Number(offsetHeader) };
  const response = await handler(request);
  const body = await response.arrayBuffer();
  if (dropResponse?.(call)) {
    dropResponse = null;
    calls.push({ ...call, status: 'dropped' });
    throw new TypeError('fetch failed: connection cut');
  }
  calls.push({ ...call, status: response.status });
  const empty = body.byteLength === 0 || [204, 304].includes(response.status) || request.method === 'HEAD';
  return new Response(empty ? null : body, { status: response.status, headers: response.headers });
};

beforeAll(async () => {
  database = await testDatabases()[0]!.create();
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-client-media-'));
  server = await createTestServer(database, { syncRequestsPerMinute: 100_000, mediaDir });
  const api = server.api;
  net = new ControlledNetwork({
    'GET /api/v1/health': api.health,
    'POST /api/v1/auth/login': api.login,
    'POST /api/v1/sync/batch': api.syncPush,
    'GET /api/v1/sync/pull': api.syncPull,
  });
  time = new FakeTime(server.clock.now());
}, 120_000);

afterAll(async () => {
  for (const d of devices) await d.close();
  await database?.close();
});

async function device(user: 'ana' | 'ben' | 'cora', options: Partial<SyncEngineOptions> = {}): Promise<Device> {
  const d = await Device.open(`${user}-${devices.length}`, fetch, time, { imageDownscaler: keepOriginal, uploadChunkSize: CHUNK, ...options });
  devices.push(d);
  await d.login(`${user}@demo.fieldsync`, DEMO_PASSWORD);
  await settled([d]);
  return d;
}

async function settled(ds: Device[]) {
  for (let i = 0; i < 3; i++) {
    await idleAll(ds);
    for (const d of ds) await d.engine.whenUploadsIdle();
  }
  await idleAll(ds);
}

async function advance(ms: number, ds: Device[]) {
  time.advance(ms);
  server.clock.advance(ms);
  await settled(ds);
}

async function contentRows(mediaId: string): Promise<number> {
  const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from media_content where media_id = ${mediaId}`);
  return r?.n ?? 0;
}

async function photoOn(d: Device, content: Uint8Array<ArrayBuffer>) {
  const parent = await d.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Well with photo' } });
  const media = await d.engine.attachFile({ entityId: NORTH, parentId: parent.id, file: new Blob([content], { type: 'image/jpeg' }), fileName: 'well.jpg' });
  return { parent, media };
}

const patchOffsets = (mediaCalls: MediaCall[]) => mediaCalls.filter((c) => c.method === 'PATCH').map((c) => c.offset);

describe('media against the real server', () => {
  it('uploads a photo after its record is pushed; another device downloads, verifies and caches it', async () => {
    const ana = await device('ana');
    const cora = await device('cora');
    const content = new Uint8Array(randomBytes(3 * CHUNK + 100));
    calls.length = 0;
    const { parent, media } = await photoOn(ana, content);
    await settled([ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'uploaded', attempts: 1 });
    expect(await ana.engine.db.mediaBlobs.get(media.id)).toMatchObject({ confirmed: true });
    expect(patchOffsets(calls)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK]);
    expect(await contentRows(media.id)).toBe(1);
    expect(ana.engine.store.getState().media).toMatchObject({ uploaded: 1, pending: 0, failed: 0, bytesSent: content.length });

    await cora.engine.syncNow();
    await settled([cora]);
    const [item] = await cora.engine.listMedia(parent.id);
    expect(item).toMatchObject({ id: media.id, status: 'remote', onDevice: false, contentAvailable: true, size: content.length, fileName: 'well.jpg' });
    const blob = await cora.engine.mediaContent(media.id);
    expect(blob).not.toBeNull();
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(content);
    expect(blob!.type).toBe('image/jpeg');
    expect(await cora.engine.db.mediaBlobs.get(media.id)).toMatchObject({ confirmed: true, size: content.length });
    net.down = true;
    try {
      const cached = await cora.engine.mediaContent(media.id);
      expect(cached && new Uint8Array(await cached.arrayBuffer())).toEqual(content);
    } finally {
      net.down = false;
    }
  });

  it('resumes an upload cut in the middle from the offset the server kept', async () => {
    const ana = await device('ana');
    const content = new Uint8Array(randomBytes(4 * CHUNK));
    calls.length = 0;
    dropResponse = (c) => c.method === 'PATCH' && c.offset === CHUNK; // the server stored the 2nd chunk; the device never heard
    const { media } = await photoOn(ana, content);
    await settled([ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'failed', autoRetries: 1 });
    expect((await ana.engine.db.uploads.get(media.id))!.uploadUrl).toMatch(/\/api\/v1\/media\/uploads\//);
    expect(await contentRows(media.id)).toBe(0);
    await ana.reload(); // the upload URL survives the reload
    await advance(60_000, [ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'uploaded', attempts: 2 });
    // Resumed with HEAD at the server's offset: no byte before it was sent again.
    expect(patchOffsets(calls)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK]);
    expect(calls.filter((c) => c.method === 'HEAD' && c.path.startsWith('/api/v1/media/uploads/'))).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(await contentRows(media.id)).toBe(1);
  });

  it('settles an upload whose last answer was lost without sending the content again', async () => {
    const ana = await device('ana');
    const content = new Uint8Array(randomBytes(2 * CHUNK));
    calls.length = 0;
    dropResponse = (c) => c.method === 'PATCH' && c.offset === CHUNK; // the server completed the upload; the device never heard
    const { media } = await photoOn(ana, content);
    await settled([ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'failed' });
    expect(await contentRows(media.id)).toBe(1);
    await advance(60_000, [ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'uploaded', attempts: 2 });
    expect(patchOffsets(calls)).toEqual([0, CHUNK]);
    expect(await contentRows(media.id)).toBe(1);
  });

  it('rejects an upload whose bytes do not match the record (checksum) and stores nothing', async () => {
    const ana = await device('ana');
    ana.env.net.emit('offline');
    const content = new Uint8Array(randomBytes(1000));
    const { media } = await photoOn(ana, content);
    const tampered = new Uint8Array(content).map((b) => b ^ 0xff);
    await ana.engine.db.mediaBlobs.update(media.id, { blob: new Blob([tampered], { type: 'image/jpeg' }) });
    ana.env.net.emit('online');
    await settled([ana]);
    const row = await ana.engine.db.uploads.get(media.id);
    expect(row).toMatchObject({ status: 'rejected' });
    expect(row!.lastError).toMatch(/checksum/);
    expect(await contentRows(media.id)).toBe(0);
  });

  it('says a photo still on the field worker\'s device is not to be had yet, and has it once uploaded', async () => {
    const ana = await device('ana');
    const cora = await device('cora');
    holdUploads = true;
    let media;
    let parent;
    try {
      ({ parent, media } = await photoOn(ana, new Uint8Array(randomBytes(500))));
      await settled([ana]);
      expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'failed' });
      expect((await ana.engine.listMedia(parent.id))[0]).toMatchObject({ status: 'failed', onDevice: true, contentAvailable: false });
      await cora.engine.syncNow();
      await settled([cora]);
      expect(await cora.engine.getRecord(media.id)).toMatchObject({ contentAvailable: false });
      expect(await cora.engine.mediaContent(media.id)).toBeNull();
      expect((await cora.engine.listMedia(parent.id))[0]).toMatchObject({ status: 'remote', contentAvailable: false, onDevice: false });
    } finally {
      holdUploads = false;
    }
    await advance(60_000, [ana]);
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'uploaded' });
    // The record did not change, so no pull brings it again; asking for the content finds it.
    expect(await cora.engine.mediaContent(media.id)).not.toBeNull();
    expect(await cora.engine.getRecord(media.id)).toMatchObject({ contentAvailable: true });
    expect((await cora.engine.listMedia(parent.id))[0]).toMatchObject({ status: 'remote', contentAvailable: true, onDevice: true });
  });
});

async function stored(id: string) {
  const [r] = await rows<{ data: Record<string, unknown> }>(database.db, sql`select data from records where id = ${id}`);
  return r;
}

/** How many times the server took each change id. */
async function timesApplied(changeIds: readonly string[]): Promise<number[]> {
  const found = await rows<{ change_id: string; n: number }>(
    database.db,
    sql`select change_id, count(*)::int as n from sync_changes where change_id in (${sql.join(changeIds.map((c) => sql`${c}`), sql`, `)}) group by change_id`,
  );
  const n = new Map(found.map((r) => [r.change_id, r.n]));
  return changeIds.map((c) => n.get(c) ?? 0);
}

describe('a device whose database the browser deleted', () => {
  async function signedInAgain(d: Device, user: string) {
    await d.login(`${user}@demo.fieldsync`, DEMO_PASSWORD);
    await settled([d]);
  }

  it('gets its unsynced changes and photos back from the safety copy, and the server takes each once', async () => {
    const copies: CopyStore = memoryCopyStore();
    const ana = await device('ana', { copyStore: copies });
    const synced = await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Sent before' } });
    await settled([ana]);
    ana.env.net.emit('offline');
    await ana.engine.update(synced.id, { title: 'Sent before, edited offline' });
    const content = new Uint8Array(randomBytes(2 * CHUNK + 7));
    const { parent, media } = await photoOn(ana, content);
    const changeIds = (await ana.engine.listOutbox()).filter((e) => e.status === 'pending').map((e) => e.changeId);
    expect(changeIds).toHaveLength(3);
    expect((await copies.keys()).sort()).toEqual([`media/${media.id}`, `record/${media.id}`, `record/${parent.id}`, `record/${synced.id}`].sort());

    await ana.wipe();
    expect(ana.engine.restored).toEqual({ changes: 3, photos: 1 });
    expect((await ana.engine.listOutbox()).map((e) => e.changeId)).toEqual(changeIds);
    expect((await ana.engine.getRecord(synced.id))?.data).toEqual({ title: 'Sent before, edited offline' });
    ana.env.net.emit('online');
    await signedInAgain(ana, 'ana');

    expect(await timesApplied(changeIds)).toEqual([1, 1, 1]);
    expect((await stored(synced.id))?.data).toEqual({ title: 'Sent before, edited offline' });
    expect(await ana.engine.db.uploads.get(media.id)).toMatchObject({ status: 'uploaded' });
    expect(await contentRows(media.id)).toBe(1);
    await advance(10_000, [ana]); // the sweep after the upload
    expect(await copies.keys()).toEqual([]);
  });

  it('gets back a photo whose record the server had but whose bytes it had not, and uploads it', async () => {
    const copies = memoryCopyStore();
    const ana = await device('ana', { copyStore: copies });
    holdUploads = true;
    let mediaId: string;
    try {
      const { media } = await photoOn(ana, new Uint8Array(randomBytes(CHUNK + 1)));
      mediaId = media.id;
      await settled([ana]);
      expect((await ana.engine.getRecord(media.id))?.server).not.toBeNull();
      expect(await ana.engine.db.uploads.get(media.id)).not.toMatchObject({ status: 'uploaded' });
      await advance(10_000, [ana]); // a sweep: the record is synced, its bytes are not
      expect(await copies.keys()).toContain(`record/${media.id}`);
      await ana.wipe();
      expect(ana.engine.restored).toMatchObject({ photos: 1 });
    } finally {
      holdUploads = false;
    }
    await signedInAgain(ana, 'ana');
    await advance(60_000, [ana]);
    expect(await ana.engine.db.uploads.get(mediaId)).toMatchObject({ status: 'uploaded' });
    expect(await contentRows(mediaId)).toBe(1);
  });

  it('takes nothing back when the database opens as it was (a reload)', async () => {
    const copies = memoryCopyStore();
    const ana = await device('ana', { copyStore: copies });
    ana.env.net.emit('offline');
    await ana.engine.create({ type: 'assessment', entityId: NORTH, data: { title: 'Kept by the database' } });
    await ana.reload();
    expect(ana.engine.restored).toBeNull();
    expect(await ana.engine.listOutbox()).toHaveLength(1);
    expect(await copies.keys()).toHaveLength(1);
  });
});
