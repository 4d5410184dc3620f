// What every tab of the device watches in IndexedDB. Dexie signals every commit, this tab's and
// other tabs' alike (`storagemutated`). A commit to the outbox is passed on as a signal (the
// engine recounts, coalesced: see throttle.ts); the metadata (the last sync, the syncing tab's
// state, "sync now" requests from tabs without the lock, the stored token) is a few key reads
// and is read again at once. (A liveQuery over the counts would restart them on every commit
// and publish nothing until a burst of writes ends.)
import Dexie, { type ObservabilitySet } from 'dexie';
import { type FieldsyncDb, META, getMeta } from './db';
import type { EngineState } from './sync-store';
import { Throttled } from './throttle';

export interface MetaView {
  readonly lastSyncedAt: number | null;
  readonly leaderState: EngineState | null;
  readonly syncRequestedAt: number;
  readonly token: string | null;
}

export interface TabWatcher {
  /** The outbox changed (or may have): recount. Also called once at the start. */
  outboxChanged(): void;
  /** The metadata as now stored. Also called once at the start. */
  meta(view: MetaView): void;
}

async function readMeta(db: FieldsyncDb): Promise<MetaView> {
  return db.transaction('r', db.meta, async () => ({
    lastSyncedAt: (await getMeta<number>(db, META.lastSyncedAt)) ?? null,
    leaderState: (await getMeta<EngineState>(db, META.leaderState)) ?? null,
    syncRequestedAt: (await getMeta<number>(db, META.syncRequestedAt)) ?? 0,
    token: (await getMeta<string>(db, META.token)) ?? null,
  }));
}

/** Starts watching; returns the unsubscribe. */
export function watchTabs(db: FieldsyncDb, watcher: TabWatcher): () => void {
  let closed = false;
  const metaRefresh = new Throttled(
    async () => {
      if (closed) return;
      const view = await readMeta(db).catch(() => null); // the database closed under us (tab closing)
      if (view && !closed) watcher.meta(view);
    },
    { maxGapMs: 0, costFactor: 0, burst: 1 },
  );
  const outboxPart = `idb://${db.name}/outbox/`;
  const metaPart = `idb://${db.name}/meta/`;
  const listener = (parts: ObservabilitySet) => {
    if (closed) return;
    const keys = Object.keys(parts);
    // Dexie calls this inside the finished transaction's zone: read outside of it.
    Dexie.ignoreTransaction(() => {
      if (keys.some((k) => k === 'all' || k.startsWith(outboxPart))) watcher.outboxChanged();
      if (keys.some((k) => k === 'all' || k.startsWith(metaPart))) void metaRefresh.request();
    });
  };
  Dexie.on('storagemutated', listener);
  watcher.outboxChanged();
  void metaRefresh.request();
  return () => {
    closed = true;
    metaRefresh.stop();
    Dexie.on.storagemutated.unsubscribe(listener);
  };
}
