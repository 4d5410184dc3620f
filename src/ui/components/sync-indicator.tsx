// What sync is doing now: "sending 3 of 10" with a progress bar while pushing, a bar while
// pulling, the countdown to the next retry, or how much work waits; when it last completed; and
// this device's photo uploads in bytes while some remain.
import type { StatusCounts } from '@/client/outbox-queue';
import type { EngineState } from '@/client/sync-store';
import { count, timeAgo, timeUntil } from '../format';
import type { MediaTotals } from '../media-format';
import { MediaLine } from './media-summary';

export interface SyncIndicatorProps {
  readonly state: EngineState;
  readonly counts: StatusCounts;
  readonly lastSyncedAt: number | null;
  readonly now: number;
  /** This device's uploads (photos n of N, bytes), shown while some remain. */
  readonly media?: MediaTotals;
}

export function waitingCount(c: StatusCounts): number {
  return c.pending + c.syncing + c.failed;
}

function describe(state: EngineState, counts: StatusCounts, now: number): { text: string; bar?: { value?: number; max?: number } } {
  const waiting = waitingCount(counts);
  switch (state.kind) {
    case 'pushing':
      return { text: `Sending ${state.done} of ${state.total}`, bar: { value: state.done, max: Math.max(1, state.total) } };
    case 'pulling':
      return { text: state.records > 0 ? `Receiving updates (${state.records})` : 'Receiving updates', bar: {} };
    case 'backing_off':
      return { text: `Server busy: retrying in ${timeUntil(state.until, now)}${waiting ? ` (${waiting} waiting)` : ''}` };
    case 'offline':
      return { text: waiting ? `${waiting} saved on this device, waiting for a connection` : 'Offline: everything is saved on this device' };
    case 'needs_login':
      return { text: 'Sign in again to sync' };
    case 'error':
      return { text: `Sync problem: ${state.message}` };
    case 'idle':
      if (counts.rejected) return { text: `${count(counts.rejected, 'change')} ${counts.rejected === 1 ? 'needs' : 'need'} your attention` };
      return { text: waiting ? `${waiting} waiting to sync` : 'All changes synced' };
  }
}

export function SyncIndicator({ state, counts, lastSyncedAt, now, media }: SyncIndicatorProps) {
  const { text, bar } = describe(state, counts, now);
  return (
    <div className="sync-indicator" data-testid="sync-progress" data-state={state.kind}>
      {/* Only what sync does is announced, not the clock ticking below it. */}
      <span className="sync-text" role="status">
        {text}
      </span>
      <span className="sync-sub">
        {bar && <progress aria-label={text} {...(bar.value !== undefined ? { value: bar.value, max: bar.max } : {})} />}
        <span className="muted" data-testid="last-synced">
          {lastSyncedAt ? `Last synced ${timeAgo(lastSyncedAt, now)}` : 'Not synced yet'}
        </span>
      </span>
      {media && <MediaLine media={media} />}
    </div>
  );
}
