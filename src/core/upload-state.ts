// The upload of one media record's bytes: a state machine apart from the record outbox, so a
// photo never holds back records and records never hold back photos.
//
//            start                 completed
//   pending ───────▶ uploading ─────────────▶ uploaded
//     ▲  ▲            │ │ │ progress (bytesSent grows)
//     │  │   wait     │ │ └──▶ uploading
//     │  └────────────┘ │   transient_failure
//     │                 ├──────────────▶ failed {error, nextAttemptAt} ──start──▶ uploading
//     │    retry        │   rejected
//     └─────────────────┴──────────────▶ rejected {reason} (needs the user)
//
// `wait` puts an upload back without counting a failure: the token expired, or the server does
// not know the media record yet. Automatic retries are limited per connectivity episode
// (`autoRetries`, reset by `episode`); once spent, a failure gets no next attempt time and waits
// for the next trigger. Pure: times and randomness come in with the events.
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff';

interface Common {
  /** Times an upload attempt was started. */
  readonly attempts: number;
  /** Automatic retries used in this connectivity episode. */
  readonly autoRetries: number;
  readonly lastError: string | null;
}

export type UploadState =
  | (Common & { readonly status: 'pending' })
  | (Common & { readonly status: 'uploading'; readonly bytesSent: number; readonly startedAt: number })
  | (Common & { readonly status: 'uploaded'; readonly settledAt: number })
  | (Common & { readonly status: 'failed'; readonly nextAttemptAt: number | null })
  | (Common & { readonly status: 'rejected'; readonly reason: string });

export type UploadStatus = UploadState['status'];
export const UPLOAD_STATUSES: readonly UploadStatus[] = ['pending', 'uploading', 'uploaded', 'failed', 'rejected'];

export type UploadEvent =
  | { readonly type: 'start'; readonly at: number }
  | { readonly type: 'progress'; readonly bytesSent: number }
  | { readonly type: 'completed'; readonly at: number }
  | {
      readonly type: 'transient_failure';
      readonly error: string;
      readonly at: number;
      /** A number in [0, 1) for the jitter. */
      readonly random: number;
      /** Seconds, from the server's Retry-After. */
      readonly retryAfter?: number;
    }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'wait'; readonly reason: string }
  | { readonly type: 'retry' }
  | { readonly type: 'episode' };

export interface UploadPolicy {
  readonly maxAutoRetries: number;
  readonly backoff: BackoffOptions;
}

export const DEFAULT_UPLOAD_POLICY: UploadPolicy = { maxAutoRetries: 3, backoff: DEFAULT_BACKOFF };

export class IllegalUploadTransitionError extends Error {
  override readonly name = 'IllegalUploadTransitionError';
  constructor(
    readonly from: UploadStatus,
    readonly event: UploadEvent['type'],
  ) {
    super(`upload cannot go from ${from} on ${event}`);
  }
}

export const initialUploadState: UploadState = { status: 'pending', attempts: 0, autoRetries: 0, lastError: null };

export function step(s: UploadState, e: UploadEvent, policy: UploadPolicy = DEFAULT_UPLOAD_POLICY): UploadState {
  const common = { attempts: s.attempts, autoRetries: s.autoRetries, lastError: s.lastError };
  switch (e.type) {
    case 'start':
      if (s.status === 'pending' || s.status === 'failed')
        return { ...common, status: 'uploading', bytesSent: 0, startedAt: e.at, attempts: s.attempts + 1 };
      break;
    case 'progress':
      if (s.status === 'uploading') return { ...s, bytesSent: Math.max(s.bytesSent, Math.max(0, e.bytesSent)) };
      break;
    case 'completed':
      if (s.status === 'uploading') return { ...common, lastError: null, status: 'uploaded', settledAt: e.at };
      break;
    case 'transient_failure':
      if (s.status === 'uploading') {
        if (s.autoRetries >= policy.maxAutoRetries) return { ...common, status: 'failed', lastError: e.error, nextAttemptAt: null };
        const delay = backoffDelay(s.autoRetries, e.random, e.retryAfter, policy.backoff);
        return { ...common, autoRetries: s.autoRetries + 1, status: 'failed', lastError: e.error, nextAttemptAt: e.at + delay };
      }
      break;
    case 'rejected':
      if (s.status === 'uploading') return { ...common, status: 'rejected', lastError: e.reason, reason: e.reason };
      break;
    case 'wait':
      if (s.status === 'uploading') return { ...common, status: 'pending', lastError: e.reason };
      break;
    case 'retry':
      if (s.status === 'failed' || s.status === 'rejected') return { status: 'pending', attempts: 0, autoRetries: 0, lastError: s.lastError };
      break;
    case 'episode':
      // A new connectivity episode: the retry budget is full again, and a failure waiting for
      // the next trigger may go now. Any other state is left as it is.
      if (s.status === 'failed') return { ...s, autoRetries: 0, nextAttemptAt: 0 };
      return s.autoRetries === 0 ? s : { ...s, autoRetries: 0 };
  }
  throw new IllegalUploadTransitionError(s.status, e.type);
}

/** May an attempt start now? Pending always; failed once its backoff is over (null: not before the next episode). */
export function isDue(s: UploadState, now: number): boolean {
  if (s.status === 'pending') return true;
  return s.status === 'failed' && s.nextAttemptAt !== null && s.nextAttemptAt <= now;
}

/** Settled for good: nothing more happens without the user. */
export function isUploadSettled(status: UploadStatus): boolean {
  return status === 'uploaded' || status === 'rejected';
}
