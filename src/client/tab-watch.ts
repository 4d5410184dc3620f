// What every tab of the device watches in IndexedDB (Dexie liveQuery, which also sees other
// tabs' commits): outbox counts, the last sync, the syncing tab's state, "sync now" requests
// from tabs without the lock, and the stored token.
import { liveQuery } from 'dexie';
import { type FieldsyncDb, META, getMeta } from './db';
import { type StatusCounts, countByStatus } from './outbox-queue';
import type { EngineState } from './sync-store';

export interface TabView {
  readonly counts: StatusCounts;
  readonly lastSyncedAt: number | null;
  readonly leaderState: EngineState | null;
  readonly syncRequestedAt: number;
  readonly token: string | null;
}

/** Calls `onView` with the current view and after every change; returns the unsubscribe. */
export function watchTabs(db: FieldsyncDb, onView: (v: TabView) => void): () => void {
  const sub = liveQuery(
    async (): Promise<TabView> => ({
      counts: await countByStatus(db),
      lastSyncedAt: (await getMeta<number>(db, META.lastSyncedAt)) ?? null,
      leaderState: (await getMeta<EngineState>(db, META.leaderState)) ?? null,
      syncRequestedAt: (await getMeta<number>(db, META.syncRequestedAt)) ?? 0,
      token: (await getMeta<string>(db, META.token)) ?? null,
    }),
  ).subscribe({ next: onView, error: () => undefined });
  return () => sub.unsubscribe();
}
