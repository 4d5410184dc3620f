// Media bytes the server confirmed may leave the device when storage runs short: above 80% of
// the quota the browser reports, confirmed blobs go, least recently used first, until usage is
// back under the mark. Unconfirmed bytes (not uploaded yet) are never dropped.
import type { FieldsyncDb } from '../db';

export interface StorageEstimate {
  readonly usage: number;
  readonly quota: number;
}

/** navigator.storage.estimate(), or null when unknown. */
export type EstimateStorage = () => Promise<StorageEstimate | null>;

export const EVICT_ABOVE = 0.8;

export function browserStorageEstimate(): EstimateStorage {
  return async () => {
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ usage?: number; quota?: number }> } } }).navigator?.storage;
    if (!storage?.estimate) return null;
    const e = await storage.estimate();
    return e.usage !== undefined && e.quota !== undefined && e.quota > 0 ? { usage: e.usage, quota: e.quota } : null;
  };
}

/** Drops confirmed blobs, least recently used first, while usage is above the mark. Returns the ids dropped. */
export async function evictIfNeeded(db: FieldsyncDb, estimate: EstimateStorage, threshold = EVICT_ABOVE): Promise<string[]> {
  const e = await estimate().catch(() => null);
  if (!e || e.usage <= e.quota * threshold) return [];
  let excess = e.usage - e.quota * threshold;
  const dropped: string[] = [];
  await db.transaction('rw', db.mediaBlobs, async () => {
    await db.mediaBlobs.orderBy('lastUsedAt').until(() => excess <= 0).each((row) => {
      if (!row.confirmed) return;
      dropped.push(row.id);
      excess -= row.size;
    });
    await db.mediaBlobs.bulkDelete(dropped);
  });
  return dropped;
}
