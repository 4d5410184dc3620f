// The sync record of one outbox entry: a state machine with explicit transitions.
//
//              send                 succeeded
//   pending ─────────▶ syncing ───────────────▶ completed ──(retention)──▶ pruned
//     ▲  ▲               │ │ │    conflicted
//     │  │   returned    │ │ └─────────────────▶ conflict {winner} ──(retention)──▶ pruned
//     │  └───────────────┘ │   transient_failure
//     │                    ├─────────────────▶ failed {error, nextAttemptAt} ──send──▶ syncing
//     │    retry           │   rejected
//     └────────────────────┴─────────────────▶ rejected {code, error} (needs the user)
//
// `returned` puts a sent entry back without counting a failure (crash mid-flight, 401, a parent
// that was rejected in the same batch). `retry` is the user's action on a rejected or failed
// entry. Discarding is removal of the entry, not a state. Pure: times come in with the events.
export type Winner = 'client' | 'server';

interface Common {
  /** Times the entry was handed to the network. */
  readonly attempts: number;
  readonly lastError: string | null;
}

export type SyncState =
  | (Common & { readonly status: 'pending' })
  | (Common & { readonly status: 'syncing'; readonly sentAt: number })
  | (Common & { readonly status: 'completed'; readonly version: number; readonly settledAt: number })
  | (Common & { readonly status: 'conflict'; readonly winner: Winner; readonly version: number | null; readonly settledAt: number })
  | (Common & { readonly status: 'failed'; readonly nextAttemptAt: number | null })
  | (Common & { readonly status: 'rejected'; readonly code: string });

export type SyncStatus = SyncState['status'];
export const SYNC_STATUSES: readonly SyncStatus[] = ['pending', 'syncing', 'completed', 'conflict', 'failed', 'rejected'];

export type SyncEvent =
  | { readonly type: 'send'; readonly at: number }
  | { readonly type: 'succeeded'; readonly version: number; readonly at: number }
  | { readonly type: 'conflicted'; readonly winner: Winner; readonly version: number | null; readonly at: number }
  | { readonly type: 'transient_failure'; readonly error: string; readonly nextAttemptAt: number | null }
  | { readonly type: 'rejected'; readonly code: string; readonly error: string }
  | { readonly type: 'returned'; readonly reason: string | null }
  | { readonly type: 'retry' };

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: SyncStatus,
    readonly event: SyncEvent['type'],
  ) {
    super(`outbox entry cannot go from ${from} on ${event}`);
  }
}

export const initialSyncState: SyncState = { status: 'pending', attempts: 0, lastError: null };

export function transition(s: SyncState, e: SyncEvent): SyncState {
  const common = { attempts: s.attempts, lastError: s.lastError };
  switch (e.type) {
    case 'send':
      if (s.status === 'pending' || s.status === 'failed')
        return { status: 'syncing', sentAt: e.at, attempts: s.attempts + 1, lastError: s.lastError };
      break;
    case 'succeeded':
      if (s.status === 'syncing') return { ...common, lastError: null, status: 'completed', version: e.version, settledAt: e.at };
      break;
    case 'conflicted':
      if (s.status === 'syncing')
        return { ...common, lastError: null, status: 'conflict', winner: e.winner, version: e.version, settledAt: e.at };
      break;
    case 'transient_failure':
      if (s.status === 'syncing') return { ...common, status: 'failed', lastError: e.error, nextAttemptAt: e.nextAttemptAt };
      break;
    case 'rejected':
      if (s.status === 'syncing') return { ...common, status: 'rejected', lastError: e.error, code: e.code };
      break;
    case 'returned':
      if (s.status === 'syncing') return { ...common, status: 'pending', lastError: e.reason ?? s.lastError };
      break;
    case 'retry':
      if (s.status === 'rejected' || s.status === 'failed') return { status: 'pending', attempts: 0, lastError: s.lastError };
      break;
  }
  throw new IllegalTransitionError(s.status, e.type);
}

/** Entries whose work has not reached the server yet (the user's unsynced work). */
export function isUnsynced(status: SyncStatus): boolean {
  return status === 'pending' || status === 'syncing' || status === 'failed' || status === 'rejected';
}

/** Entries settled by the server: kept for a while for the queue screen, then pruned. */
export function isSettled(status: SyncStatus): boolean {
  return status === 'completed' || status === 'conflict';
}
