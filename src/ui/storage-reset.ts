// A browser may delete a site's IndexedDB by itself: Chromium does when it finds the database
// damaged on opening (after a crash or a killed browser), and opens a new, empty one. The
// device id the database holds is also kept in localStorage, which lives apart; a database
// that opens with another device id was made anew. The engine then takes back what its safety
// copy held (src/client/safety-copy.ts); the user is told, with the time and what came back,
// until they dismiss it.
export interface StorageReset {
  /** When the new database was first seen (ms). */
  readonly at: number;
  readonly previousDeviceId: string;
  /** What the engine took back from its safety copy; null when nothing. */
  readonly restored: { readonly changes: number; readonly photos: number } | null;
}

const deviceKey = (userId: string) => `fieldsync.deviceId.${userId}`;
const resetKey = (userId: string) => `fieldsync.storageReset.${userId}`;

/** Records the device id the user's database opened with; returns the reset it reveals, or one not yet dismissed. */
export function noteDeviceId(
  userId: string,
  deviceId: string,
  now: number,
  restored: StorageReset['restored'] = null,
  storage: Storage | undefined = globalThis.localStorage,
): StorageReset | null {
  if (!storage) return null;
  try {
    const before = storage.getItem(deviceKey(userId));
    if (before !== null && before !== deviceId) storage.setItem(resetKey(userId), JSON.stringify({ at: now, previousDeviceId: before, restored }));
    storage.setItem(deviceKey(userId), deviceId);
  } catch {
    return null; // storage refused (private mode, full): nothing to compare with
  }
  return loadStorageReset(userId, storage);
}

export function loadStorageReset(userId: string, storage: Storage | undefined = globalThis.localStorage): StorageReset | null {
  try {
    const raw = storage?.getItem(resetKey(userId));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<StorageReset>;
    if (typeof v.at !== 'number' || typeof v.previousDeviceId !== 'string') return null;
    const r = v.restored;
    const restored = r && typeof r.changes === 'number' && typeof r.photos === 'number' ? { changes: r.changes, photos: r.photos } : null;
    return { at: v.at, previousDeviceId: v.previousDeviceId, restored };
  } catch {
    return null;
  }
}

export function dismissStorageReset(userId: string, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.removeItem(resetKey(userId));
  } catch {
    // nothing to do: it shows again next time
  }
}
