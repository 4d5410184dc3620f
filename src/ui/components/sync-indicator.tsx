'use client';
// What sync is doing now, in words that match the connection (connection-state.ts): "Sending 3
// of 10" with a full-width progress bar while pushing, a bar while pulling, "can't reach the
// server" or "server busy" with the time of the next try, or how much work waits; when it last
// completed; and this device's photo uploads (n of N, bytes) while some remain.
import { useTranslation } from 'react-i18next';
import type { StatusCounts } from '@/client/outbox-queue';
import type { EngineState } from '@/client/sync-store';
import type { ConnectionState } from '../connection-state';
import type { MediaTotals } from '../media-format';
import { MediaLine } from './media-summary';

export interface SyncIndicatorProps {
  readonly state: EngineState;
  readonly connection: ConnectionState;
  readonly counts: StatusCounts;
  readonly lastSyncedAt: number | null;
  readonly now: number;
  /** This device's uploads (photos n of N, bytes), shown while some remain. */
  readonly media?: MediaTotals;
}

export function waitingCount(c: StatusCounts): number {
  return c.pending + c.syncing + c.failed;
}

type T = ReturnType<typeof useTranslation<'states'>>['t'];

const num = (n: number, language: string) => new Intl.NumberFormat(language).format(n);

/** "in 5 seconds", "5 minutes ago": Intl in the user's language. */
function relative(ms: number, language: string): string {
  const s = Math.round(ms / 1000);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'long' });
  if (Math.abs(s) < 60) return rtf.format(s, 'second');
  const m = Math.round(s / 60);
  if (Math.abs(m) < 60) return rtf.format(m, 'minute');
  const h = Math.round(m / 60);
  if (Math.abs(h) < 24) return rtf.format(h, 'hour');
  return rtf.format(Math.round(h / 24), 'day');
}

function describe(t: T, language: string, p: SyncIndicatorProps): { text: string; bar?: { value?: number; max?: number } } {
  const { state, connection, counts, now } = p;
  const waiting = waitingCount(counts);
  const retry = (at: number | null) => (at !== null && at > now ? ` ${t('sync.retrying', { when: relative(Math.max(1000, at - now), language) })}` : '');
  if (state.kind === 'pushing') return { text: t('sync.sending', { done: num(state.done, language), total: num(state.total, language) }), bar: { value: state.done, max: Math.max(1, state.total) } };
  if (state.kind === 'pulling') return { text: state.records > 0 ? t('sync.receivingCount', { count: state.records }) : t('sync.receiving'), bar: {} };
  switch (connection.kind) {
    case 'offline':
      return { text: waiting ? t('sync.offlineWaiting', { count: waiting }) : t('sync.offlineAll') };
    case 'signed_out':
      return { text: t('sync.signedOut') };
    case 'expired':
      return { text: t('sync.expired') };
    case 'unreachable':
      return { text: t('sync.unreachable') + retry(connection.retryAt) };
    case 'busy':
      return { text: t('sync.busy') + retry(connection.retryAt) };
    case 'server_error':
      return { text: t('sync.serverError') + retry(connection.retryAt) };
    case 'online':
      break;
  }
  if (state.kind === 'error') return { text: t('sync.error', { message: state.message }) };
  if (counts.rejected) return { text: t('sync.needAttention', { count: counts.rejected }) };
  return { text: waiting ? t('sync.waiting', { count: waiting }) : t('sync.allSynced') };
}

export function SyncIndicator(props: SyncIndicatorProps) {
  const { t, i18n } = useTranslation('states');
  const { state, connection, lastSyncedAt, now, media } = props;
  const { text, bar } = describe(t, i18n.language, props);
  const ago = lastSyncedAt === null ? null : now - lastSyncedAt < 10_000 ? t('sync.justNow') : relative(lastSyncedAt - now, i18n.language);
  return (
    <div className="sync-indicator" data-testid="sync-progress" data-state={state.kind} data-connection={connection.kind}>
      {/* Only what sync does is announced, not the clock ticking below it. */}
      <span className="sync-text" role="status">
        {text}
      </span>
      {bar && (
        <progress
          className="sync-bar"
          data-testid="sync-bar"
          aria-label={t('sync.progress')}
          aria-valuetext={text}
          {...(bar.value !== undefined ? { value: bar.value, max: bar.max } : {})}
        />
      )}
      <span className="muted sync-sub" data-testid="last-synced">
        {ago === null ? t('sync.notSynced') : t('sync.lastSynced', { when: ago })}
      </span>
      {media && <MediaLine media={media} />}
    </div>
  );
}
