// The device of the photo scenario: the app's own engine (src/client) in Node, on fake
// IndexedDB with the real clock, timers and fetch, reaching the server through the shared
// mobile link. Offline, it takes the photos (one assessment each, the bytes attached with
// attachFile; Node has no canvas, so the downscaler keeps them as they are) and queues the
// records behind them; then it goes online, and the times are taken from the engine's own store:
// when the outbox is empty (the last record landed) and when each upload is done.
// Imported only when the scenario runs: fake-indexeddb installs itself as the global IndexedDB.
import { randomUUID } from 'node:crypto';
import { platformGzip } from '@/client/compress';
import { SyncEngine } from '@/client/engine';
import { type Environment, systemClock, systemTimers } from '@/client/env';
import { keepOriginal } from '@/client/media/image-downscale';
import { FakeConnectivity, FakeLocks, IDBFactory, fakeDb } from '@/client/testing/fake-env';

export interface PhotoFile {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly sha256: string;
}

export interface DeviceRun {
  /** performance.now() when the device went online. */
  readonly onlineAt: number;
  /** When the outbox had nothing pending or in flight, and when each upload was done, in order. */
  readonly lastRecordAt: number | null;
  readonly photoDoneAt: number[];
  /** The media records' ids, in the order of `files`. */
  readonly mediaIds: string[];
  readonly outbox: { completed: number; failed: number; rejected: number; conflict: number };
  readonly uploads: { uploaded: number; failed: number; rejected: number };
}

export interface DeviceOptions {
  readonly label: string;
  /** The server as the device reaches it (the link). */
  readonly baseUrl: string;
  readonly token: string;
  readonly entityId: string;
  readonly files: readonly PhotoFile[];
  readonly records: number;
  /** Gives up waiting after this long. */
  readonly timeoutMs: number;
}

export async function runPhotoDevice(o: DeviceOptions): Promise<DeviceRun> {
  const connectivity = new FakeConnectivity();
  connectivity.online = false;
  const env: Environment = {
    clock: systemClock,
    timers: systemTimers,
    random: Math.random,
    fetch: (input, init) => globalThis.fetch(input, init),
    connectivity,
    locks: new FakeLocks(),
    storage: null,
    compress: platformGzip(),
  };
  const engine = await SyncEngine.open({
    baseUrl: o.baseUrl,
    db: fakeDb(`fieldsync-${o.label}`, new IDBFactory()),
    env,
    imageDownscaler: keepOriginal,
    storageEstimate: () => Promise.resolve(null),
  });
  try {
    engine.start();
    await engine.whenLeader();
    await engine.setToken(o.token);
    const mediaIds: string[] = [];
    for (const [i, f] of o.files.entries()) {
      const parent = await engine.create({ type: 'assessment', entityId: o.entityId, data: { title: `Site visit ${i + 1}`, photos: 1 } });
      const media = await engine.attachFile({ entityId: o.entityId, parentId: parent.id, file: new Blob([f.bytes], { type: 'image/jpeg' }), fileName: `photo-${i + 1}.jpg` });
      mediaIds.push(media.id);
    }
    for (let i = 0; i < o.records; i++) {
      await engine.create({ type: 'assessment', entityId: o.entityId, data: { title: `Household ${i + 1}`, visit: randomUUID(), members: i % 7, notes: 'queued behind the photos' } });
    }

    let lastRecordAt: number | null = null;
    const photoDoneAt: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const look = () => {
      const s = engine.store.getState();
      const now = performance.now();
      if (lastRecordAt === null && s.counts.pending + s.counts.syncing === 0 && s.counts.completed > 0) lastRecordAt = now;
      while (photoDoneAt.length < Math.min(s.media.uploaded, o.files.length)) photoDoneAt.push(now);
      if (lastRecordAt !== null && photoDoneAt.length === o.files.length) done();
    };
    const unsubscribe = engine.store.subscribe(look);
    const onlineAt = performance.now();
    connectivity.emit('online');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), o.timeoutMs)));
    const outcome = await Promise.race([finished.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    unsubscribe();
    await engine.whenUploadsIdle();
    const s = engine.store.getState();
    if (outcome === 'timeout') {
      throw new Error(`device not done after ${Math.round(o.timeoutMs / 1000)} s: outbox ${JSON.stringify(s.counts)}, uploads ${JSON.stringify(s.media)}`);
    }
    return {
      onlineAt,
      lastRecordAt,
      photoDoneAt,
      mediaIds,
      outbox: { completed: s.counts.completed, failed: s.counts.failed, rejected: s.counts.rejected, conflict: s.counts.conflict },
      uploads: { uploaded: s.media.uploaded, failed: s.media.failed, rejected: s.media.rejected },
    };
  } finally {
    await engine.stop();
    engine.db.close();
  }
}
