'use client';
// Sync status on every screen: online/offline badge, what sync is doing (with progress), when
// it last completed, and "sync now".
import { useState } from 'react';
import { useEngine, useSync } from '../engine-context';
import { useNow } from '../hooks/use-now';
import { OnlineBadge } from './online-badge';
import { SyncIndicator } from './sync-indicator';

export function StatusBar({ online }: { readonly online: boolean }) {
  const engine = useEngine();
  const state = useSync((s) => s.state);
  const counts = useSync((s) => s.counts);
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  const media = useSync((s) => s.media);
  const now = useNow(1000);
  const [asked, setAsked] = useState(false);
  const busy = state.kind === 'pushing' || state.kind === 'pulling';

  return (
    <div className="statusbar">
      <OnlineBadge online={online} />
      <SyncIndicator state={state} counts={counts} lastSyncedAt={lastSyncedAt} now={now} media={media} />
      <button
        type="button"
        className="secondary small"
        data-testid="sync-now"
        disabled={busy || asked}
        onClick={() => {
          setAsked(true);
          void engine.syncNow().finally(() => setAsked(false));
        }}
      >
        {busy ? 'Syncing…' : 'Sync now'}
      </button>
    </div>
  );
}
