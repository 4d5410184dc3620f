// What the UI reads: the engine's state as a discriminated union, outbox counts per status, the
// time of the last complete sync, and what the live-update stream says (open conflicts, records
// overwritten) and this device's media uploads, in a Zustand vanilla store.
//
//   offline ◀──────────── (navigator offline / unreachable after retries) ──────────┐
//   idle ──trigger──▶ pushing{done,total} ──▶ pulling{pages,records} ──▶ idle        │
//                          │  transient failure (retries left)                        │
//                          └──▶ backing_off{until} ──timer──▶ pushing …             │
//                          │  401                                                     │
//                          └──▶ needs_login ──setToken──▶ pushing …                   │
//                          └──▶ error{message} (other failure; next trigger retries) ─┘
import { createStore } from 'zustand/vanilla';
import { EMPTY_MEDIA_SUMMARY, type MediaSummary, type UploadProgress } from './media/media-list';
import type { StatusCounts } from './outbox-queue';

export type EngineState =
  | { readonly kind: 'offline' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'pushing'; readonly done: number; readonly total: number }
  | { readonly kind: 'pulling'; readonly pages: number; readonly records: number }
  | { readonly kind: 'backing_off'; readonly until: number }
  | { readonly kind: 'needs_login' }
  | { readonly kind: 'error'; readonly message: string };

/** Why the last run failed, for words that match it: no answer, 429/503, another 5xx, 401, anything else. Cleared by a run that succeeds. */
export type FailureCause = 'network' | 'busy' | 'server' | 'unauthorized' | 'other';

export interface SyncStoreState {
  readonly state: EngineState;
  readonly counts: StatusCounts;
  /** Epoch ms of the last sync that pushed and pulled everything. */
  readonly lastSyncedAt: number | null;
  readonly deviceId: string | null;
  /** This tab holds the sync lock (others watch the same IndexedDB state). */
  readonly leader: boolean;
  /** navigator.storage.persist() answer; null when unknown or unsupported. */
  readonly persisted: boolean | null;
  /** Live updates (live-events.ts): the stream is open. */
  readonly live: boolean;
  /** Coordinators and admins: open conflicts they may resolve, as the live stream last said; null before it has. */
  readonly openConflicts: number | null;
  /** Records whose applied write by this user another user's write replaced, as the live stream told this session. */
  readonly overwrittenRecordIds: readonly string[];
  /** This device's uploads of media bytes: not settled yet, rejected, or uploaded recently. */
  readonly media: MediaSummary;
  /** The same uploads one by one, by media id, for progress bars. */
  readonly uploads: Readonly<Record<string, UploadProgress>>;
  /** The cause of the last failed run of this tab's scheduler; null after a run that succeeded. */
  readonly lastFailure: FailureCause | null;
}

export const EMPTY_COUNTS: StatusCounts = { pending: 0, syncing: 0, completed: 0, conflict: 0, failed: 0, rejected: 0 };

export function createSyncStore() {
  return createStore<SyncStoreState>()(() => ({
    state: { kind: 'idle' },
    counts: EMPTY_COUNTS,
    lastSyncedAt: null,
    deviceId: null,
    leader: false,
    persisted: null,
    live: false,
    openConflicts: null,
    overwrittenRecordIds: [],
    media: EMPTY_MEDIA_SUMMARY,
    uploads: {},
    lastFailure: null,
  }));
}

export type SyncStore = ReturnType<typeof createSyncStore>;
