// What the app says about its connection to the server, from what the browser says (navigator
// online), what sync last did (its state and the cause of its last failure) and the session.
// Pure: each state has its own words and colour, so "offline", "can't reach the server",
// "server busy", "session expired" and "signed out" are never confused.
//
//   signed_out ◀── no session
//   offline    ◀── navigator offline (whatever sync last did)
//   expired    ◀── the server refused the token (401) or sync waits for a new one
//   busy       ◀── the last run met 429 or 503 (retrying at `retryAt`, if planned)
//   server_error ◀ the last run met another 5xx
//   unreachable ◀─ the last run had no answer (network error, timeout, not the protocol)
//   online     ◀── otherwise
import type { EngineState, FailureCause } from '@/client/sync-store';

export type SessionState = 'active' | 'expired' | 'signed_out';

export type ConnectionState =
  | { readonly kind: 'online' }
  | { readonly kind: 'offline' }
  | { readonly kind: 'unreachable'; readonly retryAt: number | null }
  | { readonly kind: 'busy'; readonly retryAt: number | null }
  | { readonly kind: 'server_error'; readonly retryAt: number | null }
  | { readonly kind: 'expired' }
  | { readonly kind: 'signed_out' };

export interface ConnectionFacts {
  readonly navigatorOnline: boolean;
  readonly sync: EngineState;
  readonly lastFailure: FailureCause | null;
  readonly session: SessionState;
}

export function connectionState({ navigatorOnline, sync, lastFailure, session }: ConnectionFacts): ConnectionState {
  if (session === 'signed_out') return { kind: 'signed_out' };
  if (!navigatorOnline) return { kind: 'offline' };
  if (session === 'expired' || sync.kind === 'needs_login' || lastFailure === 'unauthorized') return { kind: 'expired' };
  const retryAt = sync.kind === 'backing_off' ? sync.until : null;
  switch (lastFailure) {
    case 'busy':
      return { kind: 'busy', retryAt };
    case 'server':
      return { kind: 'server_error', retryAt };
    case 'network':
      return { kind: 'unreachable', retryAt };
    case 'other':
    case null:
      // Sync gave up on an unreachable server (another tab's state carries no cause).
      return sync.kind === 'offline' ? { kind: 'unreachable', retryAt: null } : { kind: 'online' };
  }
}

/** Why "Sync now" cannot help now, or null when it can (with nothing to send it still pulls others' work). */
export type SyncNowBlock = 'offline' | 'signed_out' | 'expired' | 'syncing';

export function syncNowBlock(c: ConnectionState, facts: { readonly syncing: boolean; readonly waiting: number; readonly lastSyncedAt: number | null; readonly now: number }): SyncNowBlock | null {
  if (c.kind === 'offline') return 'offline';
  if (c.kind === 'signed_out') return 'signed_out';
  if (c.kind === 'expired') return 'expired';
  if (facts.syncing) return 'syncing';
  return null;
}
