'use client';
// Sync status on every screen: the connection badge, what sync is doing (with progress), when it
// last completed, "Sync now" (disabled, with the reason shown, when it cannot help), and a
// warning when this device's clock is far from the server's.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkClock } from '../clock-skew';
import { connectionState, type SessionState, syncNowBlock } from '../connection-state';
import { useEngine, useSync } from '../engine-context';
import { useNow } from '../hooks/use-now';
import { OnlineBadge } from './online-badge';
import { SyncIndicator, waitingCount } from './sync-indicator';

export interface StatusBarProps {
  readonly online: boolean;
  readonly session?: SessionState;
  /** Device minus server clock, ms (null: unknown). */
  readonly clockSkewMs?: number | null;
}

/** "1 day", "3 hours", "12 minutes", in the user's language. */
function amount(ms: number, language: string): string {
  const [value, unit] = ms >= 86_400_000 ? [ms / 86_400_000, 'day'] : ms >= 3_600_000 ? [ms / 3_600_000, 'hour'] : [ms / 60_000, 'minute'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0 }).format(Math.round(value));
}

export function StatusBar({ online, session = 'active', clockSkewMs = null }: StatusBarProps) {
  const { t, i18n } = useTranslation('states');
  const engine = useEngine();
  const state = useSync((s) => s.state);
  const counts = useSync((s) => s.counts);
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  const lastFailure = useSync((s) => s.lastFailure);
  const media = useSync((s) => s.media);
  const now = useNow(1000);
  const [asked, setAsked] = useState(false);
  const syncing = state.kind === 'pushing' || state.kind === 'pulling' || asked;
  const connection = connectionState({ navigatorOnline: online, sync: state, lastFailure, session });
  const block = syncNowBlock(connection, { syncing, waiting: waitingCount(counts), lastSyncedAt, now });
  const clock = checkClock(clockSkewMs);

  return (
    <>
      <div className="statusbar">
        <OnlineBadge connection={connection} />
        <SyncIndicator state={state} connection={connection} counts={counts} lastSyncedAt={lastSyncedAt} now={now} media={media} />
        <div className="sync-now">
          <button
            type="button"
            className="secondary small"
            data-testid="sync-now"
            disabled={block !== null}
            aria-describedby={block && block !== 'syncing' ? 'sync-now-reason' : undefined}
            onClick={() => {
              setAsked(true);
              void engine.syncNow().finally(() => setAsked(false));
            }}
          >
            {syncing ? t('syncing') : t('syncNow')}
          </button>
          {block && block !== 'syncing' && (
            <span id="sync-now-reason" className="muted sync-now-reason" data-testid="sync-now-reason" data-reason={block}>
              {t(`blocked.${block}`)}
            </span>
          )}
        </div>
      </div>
      {clock.kind !== 'ok' && (
        <p className="banner warn" role="alert" data-testid="clock-warning">
          {t(`clock.${clock.kind}`, { amount: amount(clock.byMs, i18n.language) })}
        </p>
      )}
    </>
  );
}
