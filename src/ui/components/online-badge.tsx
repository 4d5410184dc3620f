'use client';
// The connection badge: online, offline, can't reach the server, server busy, server error,
// session expired or signed out, each with its own words and colour (connection-state.ts).
// It never says "online" when the server does not answer.
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../connection-state';

export function OnlineBadge({ connection }: { readonly connection: ConnectionState }) {
  const { t } = useTranslation('states');
  const text = t(`badge.${connection.kind}`);
  return (
    <span className={`badge connection ${connection.kind}`} role="status" aria-label={t('badgeLabel', { state: text })} data-state={connection.kind}>
      <span data-testid="online-status">{text}</span>
    </span>
  );
}
