// The upload queue inside the engine, on fake IndexedDB against the in-memory model server, with
// an uploader the test answers by hand: when uploads start, what each answer does to them, and
// that records and photos never wait for each other.
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITY, type Harness, harness } from '../testing/engine-harness';
import { settle } from '../testing/fake-env';
import { keepOriginal } from './image-downscale';
import type { UploadJob, Uploader } from './tus-upload';
import type { UploadOutcome } from './upload-outcome';

/** Holds every upload until the test answers it. */
class HandUploader implements Uploader {
  readonly jobs: Array<{ job: UploadJob; answer: (o: UploadOutcome) => void }> = [];
  upload(job: UploadJob): Promise<UploadOutcome> {
    return new Promise((resolve) => {
      this.jobs.push({ job, answer: resolve });
      job.signal.addEventListener('abort', () => resolve({ kind: 'wait', reason: 'paused' }));
    });
  }
  last() {
    return this.jobs.at(-1)!;
  }
}

let h: Harness;
let up: HandUploader;
afterEach(async () => h?.close());

async function started(opts: Parameters<typeof harness>[0] = {}) {
  up = new HandUploader();
  h = await harness({ uploader: up, imageDownscaler: keepOriginal, ...opts });
  h.engine.start();
  await h.engine.whenLeader();
  await h.idle();
}
const PARENT = '0193a6f0-0000-7000-8000-0000000000aa';
const attach = (n = 10, name = 'p.jpg') =>
  h.engine.attachFile({ entityId: ENTITY, parentId: PARENT, file: new Blob([new Uint8Array(n).fill(3)], { type: 'image/jpeg' }), fileName: name });
const upload = (id: string) => h.engine.db.uploads.get(id);
async function idle() {
  for (let i = 0; i < 3; i++) {
    await h.idle();
    await h.engine.whenUploadsIdle();
  }
  await h.engine.whenMediaShown();
}
/** Lets the sync run and the queue start what they will, without waiting for held uploads to end. */
async function soon() {
  for (let i = 0; i < 3; i++) {
    await h.idle();
    await h.engine.whenUploadsPicked();
  }
  await h.engine.whenMediaShown();
}

describe('upload queue', () => {
  it('starts an upload only after the media record was pushed and applied', async () => {
    await started();
    h.env.net.emit('offline');
    const rec = await attach();
    await soon();
    expect(up.jobs).toHaveLength(0);
    expect(await upload(rec.id)).toMatchObject({ status: 'pending' });
    h.env.net.emit('online');
    await soon();
    expect(h.server.records.has(rec.id)).toBe(true);
    expect(up.jobs).toHaveLength(1);
    expect(up.last().job).toMatchObject({ mediaId: rec.id, fileName: 'p.jpg', contentType: 'image/jpeg' });
    expect(up.last().job.token()).toBe(h.server.validToken);
    expect(await upload(rec.id)).toMatchObject({ status: 'uploading', attempts: 1 });
    up.last().answer({ kind: 'uploaded' });
    await idle();
    expect(await upload(rec.id)).toMatchObject({ status: 'uploaded' });
    expect(await h.engine.db.mediaBlobs.get(rec.id)).toMatchObject({ confirmed: true });
  });

  it('does not start an upload while the push of its record fails', async () => {
    await started();
    h.server.faults.push({ kind: 'status', status: 503, code: 'UNAVAILABLE' });
    const rec = await attach();
    await soon();
    expect(h.engine.store.getState().state).toMatchObject({ kind: 'backing_off' });
    expect((await h.engine.listOutbox())[0]).toMatchObject({ status: 'failed' });
    expect(up.jobs).toHaveLength(0);
    h.env.time.advance(750);
    await soon();
    expect(h.server.records.has(rec.id)).toBe(true);
    expect(up.jobs).toHaveLength(1);
    up.last().answer({ kind: 'uploaded' });
    await idle();
  });

  it('keeps pushing records while an upload is stalled', async () => {
    await started();
    const rec = await attach();
    await soon();
    expect(up.jobs).toHaveLength(1); // held: never answered in this test until the end
    const a = await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { title: 'after the photo' } });
    await soon();
    expect(h.server.records.get(a.id)).toMatchObject({ data: { title: 'after the photo' } });
    expect((await h.engine.listOutbox()).every((e) => e.status === 'completed')).toBe(true);
    expect(await upload(rec.id)).toMatchObject({ status: 'uploading' });
    up.last().answer({ kind: 'uploaded' });
    await idle();
  });

  it('starts an upload while a push of records hangs', async () => {
    await started();
    const rec = await attach();
    await soon();
    up.last().answer({ kind: 'failed', error: 'network error: down' });
    await idle();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    h.server.beforePush = () => held;
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: { title: 'stuck in flight' } });
    await settle(20);
    expect(h.engine.store.getState().state).toMatchObject({ kind: 'pushing' });
    h.env.time.advance(750); // the upload's backoff ends while the push is still in flight
    await settle(20);
    expect(up.jobs).toHaveLength(2);
    expect(await upload(rec.id)).toMatchObject({ status: 'uploading', attempts: 2 });
    up.last().answer({ kind: 'uploaded' });
    await settle(20);
    expect(await upload(rec.id)).toMatchObject({ status: 'uploaded' });
    expect(h.engine.store.getState().state).toMatchObject({ kind: 'pushing' });
    release();
    await idle();
  });

  it('runs at most two uploads at a time, and the next as one ends', async () => {
    await started();
    const ids = [(await attach(5, 'a.jpg')).id, (await attach(6, 'b.jpg')).id, (await attach(7, 'c.jpg')).id];
    await soon();
    expect(up.jobs.map((j) => j.job.mediaId)).toEqual(ids.slice(0, 2));
    up.jobs[0]!.answer({ kind: 'uploaded' });
    await soon();
    expect(up.jobs.map((j) => j.job.mediaId)).toEqual(ids);
    up.jobs[1]!.answer({ kind: 'uploaded' });
    up.jobs[2]!.answer({ kind: 'uploaded' });
    await idle();
    expect(h.engine.store.getState().media).toMatchObject({ uploaded: 3, pending: 0, uploading: 0, bytesSent: 18, bytesTotal: 18 });
  });

  it('backs off after transient failures, stops after 3 automatic retries, and retries on the next episode', async () => {
    await started();
    const rec = await attach();
    await soon();
    const t0 = h.env.time.now();
    up.last().answer({ kind: 'failed', error: 'HTTP 503: busy' });
    await idle();
    // random() is 0.5: delays are 3/4 of 1 s, 2 s, 4 s
    expect(await upload(rec.id)).toMatchObject({ status: 'failed', nextAttemptAt: t0 + 750, lastError: 'HTTP 503: busy', autoRetries: 1 });
    for (const delay of [750, 1500, 3000]) {
      h.env.time.advance(delay - 1);
      await soon();
      const before = up.jobs.length;
      h.env.time.advance(1);
      await soon();
      expect(up.jobs.length).toBe(before + 1);
      up.last().answer({ kind: 'failed', error: 'network error: down' });
      await idle();
    }
    expect(up.jobs).toHaveLength(4);
    expect(await upload(rec.id)).toMatchObject({ status: 'failed', nextAttemptAt: null, attempts: 4 });
    expect(h.engine.store.getState().uploads[rec.id]).toMatchObject({ status: 'failed', error: 'network error: down' });
    for (let i = 0; i < 20; i++) {
      h.env.time.advance(30_000);
      await soon();
    }
    expect(up.jobs).toHaveLength(4);
    h.env.net.emit('online'); // a new episode
    await soon();
    expect(up.jobs).toHaveLength(5);
    up.last().answer({ kind: 'uploaded' });
    await idle();
    expect(await upload(rec.id)).toMatchObject({ status: 'uploaded', attempts: 5 });
  });

  it('honours Retry-After', async () => {
    await started();
    const rec = await attach();
    await soon();
    const t0 = h.env.time.now();
    up.last().answer({ kind: 'failed', error: 'HTTP 429', retryAfter: 9 });
    await idle();
    expect(await upload(rec.id)).toMatchObject({ status: 'failed', nextAttemptAt: t0 + 9000 });
    up.jobs.length = 0;
    h.env.time.advance(8999);
    await soon();
    expect(up.jobs).toHaveLength(0);
    h.env.time.advance(1);
    await soon();
    expect(up.jobs).toHaveLength(1);
    up.last().answer({ kind: 'uploaded' });
    await idle();
  });

  it('holds every waiting upload, not only the one answered, until the Retry-After of a 429', async () => {
    await started({ uploadConcurrency: 1 });
    const ids = [(await attach(5, 'a.jpg')).id, (await attach(6, 'b.jpg')).id, (await attach(7, 'c.jpg')).id];
    await soon();
    expect(up.jobs.map((j) => j.job.mediaId)).toEqual([ids[0]]);
    const t0 = h.env.time.now();
    up.last().answer({ kind: 'failed', error: 'HTTP 429', retryAfter: 5 });
    await idle();
    expect(up.jobs).toHaveLength(1);
    expect(await upload(ids[1]!)).toMatchObject({ status: 'pending' });
    h.env.time.advance(4999);
    await soon();
    expect(up.jobs).toHaveLength(1);
    h.env.time.advance(1);
    await soon();
    expect(up.jobs).toHaveLength(2);
    expect(h.env.time.now()).toBe(t0 + 5000);
    for (let i = 1; i <= 3; i++) {
      up.jobs[i]!.answer({ kind: 'uploaded' });
      await soon();
    }
    expect(up.jobs.map((j) => j.job.mediaId)).toEqual([ids[0], ids[0], ids[1], ids[2]]);
    await idle();
    expect((await h.engine.db.uploads.toArray()).map((r) => r.status)).toEqual(['uploaded', 'uploaded', 'uploaded']);
  });

  it('leaves a rejected upload visible with the reason until the user retries it', async () => {
    await started();
    const rec = await attach();
    await soon();
    up.last().answer({ kind: 'rejected', reason: 'the server refused the file as too large' });
    await idle();
    const [item] = await h.engine.listMedia(PARENT);
    expect(item).toMatchObject({ id: rec.id, status: 'rejected', error: 'the server refused the file as too large', onDevice: true, contentAvailable: false });
    h.env.net.emit('online');
    await soon();
    expect(up.jobs).toHaveLength(1);
    await h.engine.retryUpload(rec.id);
    await soon();
    expect(up.jobs).toHaveLength(2);
    up.last().answer({ kind: 'uploaded' });
    await idle();
    expect((await h.engine.listMedia(PARENT))[0]).toMatchObject({ status: 'uploaded', bytesSent: 10, contentAvailable: true });
  });

  it('waits for a new token after 401 without counting a failure', async () => {
    await started();
    const rec = await attach();
    await soon();
    up.last().answer({ kind: 'unauthorized' });
    await idle();
    expect(await upload(rec.id)).toMatchObject({ status: 'pending', autoRetries: 0, lastError: 'waiting for login' });
    await h.engine.create({ type: 'assessment', entityId: ENTITY, data: {} });
    await soon();
    expect(up.jobs).toHaveLength(1);
    await h.engine.setToken(h.server.validToken);
    await soon();
    expect(up.jobs).toHaveLength(2);
    up.last().answer({ kind: 'uploaded' });
    await idle();
  });

  it('shows progress in the store while bytes flow', async () => {
    await started();
    const rec = await attach(4000);
    await soon();
    up.last().job.onProgress(1500);
    await h.engine.whenMediaShown();
    expect(h.engine.store.getState().uploads[rec.id]).toEqual({ status: 'uploading', bytesSent: 1500, bytesTotal: 4000, error: null });
    expect(h.engine.store.getState().media).toMatchObject({ uploading: 1, bytesSent: 1500, bytesTotal: 4000 });
    up.last().answer({ kind: 'uploaded' });
    await idle();
  });

  it('forgets the upload and the bytes of a media record discarded before it was sent', async () => {
    await started();
    h.env.net.emit('offline');
    const rec = await attach();
    await h.engine.remove(rec.id); // never sent: the create and the record vanish together
    expect(await h.engine.getRecord(rec.id)).toBeUndefined();
    h.env.net.emit('online');
    await idle();
    expect(up.jobs).toHaveLength(0);
    expect(await upload(rec.id)).toBeUndefined();
    expect(await h.engine.db.mediaBlobs.get(rec.id)).toBeUndefined();
  });

  it('keeps a photo whose bytes are not yet uploaded when its site is unassigned, and uploads it later', async () => {
    await started();
    const rec = await attach();
    const other = await attach(12, 'done.jpg');
    await soon();
    const first = up.jobs.find((j) => j.job.mediaId === rec.id)!;
    up.jobs.find((j) => j.job.mediaId === other.id)!.answer({ kind: 'uploaded' });
    first.answer({ kind: 'failed', error: 'network error: down' });
    await idle();
    const { storePage } = await import('../pull');
    await storePage(h.engine.db, { changes: [], entities: [], removedEntityIds: [ENTITY], cursor: '9', hasMore: false, serverHlc: h.server.hlc }, h.env.time.now());
    await idle();
    // The uploaded one is on the server and leaves with its site; the other's bytes are only here.
    expect(await h.engine.getRecord(other.id)).toBeUndefined();
    expect(await h.engine.getRecord(rec.id)).toBeDefined();
    expect(await upload(rec.id)).toMatchObject({ status: 'failed' });
    expect(await h.engine.db.mediaBlobs.get(rec.id)).toBeDefined();
    h.env.time.advance(750);
    await soon();
    up.last().answer({ kind: 'uploaded' });
    await idle();
    expect(await upload(rec.id)).toMatchObject({ status: 'uploaded' });
    expect(up.last().job.mediaId).toBe(rec.id);
  });

  it('keeps an uploaded row for the retention time, then drops it and keeps the bytes', async () => {
    await started();
    const rec = await attach();
    await soon();
    up.last().answer({ kind: 'uploaded' });
    await idle();
    await h.engine.stop();
    h.env.time.advance(24 * 60 * 60 * 1000 + 1);
    const again = await h.reopen();
    again.start();
    await again.whenLeader();
    await h.idle();
    expect(await again.db.uploads.get(rec.id)).toBeUndefined();
    expect(await again.db.mediaBlobs.get(rec.id)).toMatchObject({ confirmed: true });
    expect((await again.listMedia(PARENT))[0]).toMatchObject({ id: rec.id, status: 'remote', onDevice: true, contentAvailable: true });
  });

  it('uploads in the syncing tab a file attached in another tab, and shows its progress there too', async () => {
    await started();
    const other = await h.reopen(); // waits for the lock: it does not sync
    other.start();
    const rec = await other.attachFile({ entityId: ENTITY, parentId: PARENT, file: new Blob([new Uint8Array(20)], { type: 'image/png' }), fileName: 'x.png' });
    await soon();
    expect(other.isLeader).toBe(false);
    expect(up.jobs.map((j) => j.job.mediaId)).toEqual([rec.id]);
    up.last().answer({ kind: 'uploaded' });
    await idle();
    await other.whenMediaShown();
    expect(other.store.getState().uploads[rec.id]).toMatchObject({ status: 'uploaded', bytesSent: 20, bytesTotal: 20 });
  });

  it('lets confirmed bytes go when storage runs short, never bytes still to upload', async () => {
    let usage = 10;
    await started({ storageEstimate: () => Promise.resolve({ usage, quota: 100 }) });
    const sent = await attach(30, 'sent.jpg');
    await soon();
    up.last().answer({ kind: 'uploaded' });
    await idle();
    expect(await h.engine.db.mediaBlobs.get(sent.id)).toMatchObject({ confirmed: true });
    h.env.net.emit('offline');
    const unsent = await attach(40, 'unsent.jpg');
    usage = 99;
    h.env.net.emit('online');
    await soon();
    up.last().answer({ kind: 'failed', error: 'network error: down' });
    await idle();
    await attach(5, 'third.jpg');
    await soon();
    up.last().answer({ kind: 'uploaded' }); // confirmed: eviction runs
    await idle();
    expect(await h.engine.db.mediaBlobs.get(sent.id)).toBeUndefined();
    expect(await h.engine.db.mediaBlobs.get(unsent.id)).toMatchObject({ confirmed: false });
    const items = await h.engine.listMedia(PARENT);
    expect(items.find((m) => m.id === sent.id)).toMatchObject({ status: 'uploaded', onDevice: false, contentAvailable: true });
    expect(items.find((m) => m.id === unsent.id)).toMatchObject({ status: 'failed', onDevice: true });
  });

  it('resumes an upload a closed tab left in flight', async () => {
    await started();
    const rec = await attach();
    await soon();
    expect(await upload(rec.id)).toMatchObject({ status: 'uploading' });
    await h.engine.db.uploads.update(rec.id, { uploadUrl: 'http://model/api/v1/media/uploads/abc' });
    await h.engine.stop(); // pauses the upload in flight
    expect(await upload(rec.id)).toMatchObject({ status: 'pending', uploadUrl: 'http://model/api/v1/media/uploads/abc' });
    const again = await h.reopen();
    again.start();
    await again.whenLeader();
    await soon();
    expect(up.jobs).toHaveLength(2);
    expect(up.last().job.mediaId).toBe(rec.id);
    up.last().answer({ kind: 'uploaded' });
    await h.idle();
    await again.whenUploadsIdle();
    expect(await again.db.uploads.get(rec.id)).toMatchObject({ status: 'uploaded' });
  });
});
