// The sync queue: every outbox entry with its status, attempts, last error and next retry;
// "sync now"; retry or discard a rejected or failed entry (discard asks first); the export
// of all unsynced work as a JSON file; and the uploads of photos and files, in bytes.
import type { StatusCounts } from '@/client/outbox-queue';
import type { OutboxEntry } from '@/client/db';
import { useTranslation } from 'react-i18next';
import { SYNC_STATUSES } from '@/core/outbox-state';
import { MediaUploads } from '../components/media-uploads';
import { ImportUnsynced } from '../components/import-unsynced';

export interface QueueScreenProps {
  readonly entries: readonly OutboxEntry[] | undefined;
  readonly counts: StatusCounts;
  readonly titles: ReadonlyMap<string, string>;
  readonly now: number;
  /** Whether the browser promised not to evict this site's storage (null: unknown). */
  readonly persisted: boolean | null;
  readonly onRetry: (changeId: string) => void;
  readonly onDiscard: (changeId: string) => void;
  readonly onExport: () => void;
  readonly confirm: (question: string) => boolean;
}

type T = ReturnType<typeof useTranslation<'states'>>['t'];

function nextRetry(t: T, language: string, e: OutboxEntry, now: number): string | null {
  if (e.status !== 'failed') return null;
  if (e.nextAttemptAt === null) return t('queue.atNextConnection');
  if (e.nextAttemptAt <= now) return t('queue.now');
  const s = Math.max(1, Math.ceil((e.nextAttemptAt - now) / 1000));
  const when = new Intl.RelativeTimeFormat(language, { numeric: 'always' }).format(s < 60 ? s : Math.ceil(s / 60), s < 60 ? 'second' : 'minute');
  const time = new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(e.nextAttemptAt);
  return t('queue.retryAt', { when, time });
}

function outcome(t: T, e: OutboxEntry): string | null {
  if (e.status !== 'conflict') return null;
  return e.winner === 'server' ? t('queue.lost') : t('queue.won');
}

export function QueueScreen(p: QueueScreenProps) {
  const { t, i18n } = useTranslation('states');
  const unsynced = p.counts.pending + p.counts.syncing + p.counts.failed + p.counts.rejected;
  return (
    <section className="section" aria-labelledby="queue-heading">
      <div className="row between">
        <h1 id="queue-heading">{t('queue.heading')}</h1>
        <div className="row">
          <button type="button" className="secondary" onClick={p.onExport} disabled={unsynced === 0} data-testid="export-unsynced">
            {t('queue.export')}
          </button>
        </div>
      </div>
      <p className="summary-counts" aria-label={t('queue.perStatus')}>
        {SYNC_STATUSES.filter((s) => p.counts[s] > 0).map((s) => (
          <span key={s} className={`badge ${s}`}>
            {p.counts[s]} {t(`queue.status.${s}`)}
          </span>
        ))}
        {SYNC_STATUSES.every((s) => p.counts[s] === 0) && <span className="muted">{t('queue.empty')}</span>}
      </p>
      {p.persisted === false && unsynced > 0 && (
        <p className="banner info" role="note">
          {t('queue.mayEvict')}
        </p>
      )}
      {p.entries === undefined ? (
        <p className="empty">{t('queue.loading')}</p>
      ) : (
        <ol className="list" aria-label={t('queue.entries')}>
          {p.entries.map((e) => {
            const retry = nextRetry(t, i18n.language, e, p.now);
            const result = outcome(t, e);
            const title = p.titles.get(e.recordId) ?? (typeof e.data?.title === 'string' ? e.data.title : e.recordId.slice(0, 8));
            return (
              <li key={e.changeId} className="queue-item" data-testid="queue-item" data-status={e.status} data-record-id={e.recordId} data-attempts={e.attempts}>
                <div className="row between">
                  <span>
                    <strong>{t(`queue.action.${e.action}`, { type: t(`queue.type.${e.type}`) })}</strong> · <span dir="auto">{title}</span>
                  </span>
                  <span className={`badge ${e.status}`}>{t(`queue.status.${e.status}`)}</span>
                </div>
                <dl className="meta">
                  <dt>{t('queue.attempts')}</dt>
                  <dd data-testid="queue-attempts">{e.attempts}</dd>
                  {e.lastError && (
                    <>
                      <dt>{t('queue.lastError')}</dt>
                      <dd data-testid="queue-error">{e.lastError}</dd>
                    </>
                  )}
                  {retry && (
                    <>
                      <dt>{t('queue.nextRetry')}</dt>
                      <dd data-testid="queue-next-retry" data-next-attempt-at={e.status === 'failed' ? (e.nextAttemptAt ?? '') : ''}>
                        {retry}
                      </dd>
                    </>
                  )}
                  {e.status === 'rejected' && (
                    <>
                      <dt>{t('queue.reason')}</dt>
                      <dd>{e.code}</dd>
                    </>
                  )}
                  {result && (
                    <>
                      <dt>{t('queue.result')}</dt>
                      <dd>{result}</dd>
                    </>
                  )}
                </dl>
                {(e.status === 'rejected' || e.status === 'failed') && (
                  <div className="row">
                    <button type="button" className="small" onClick={() => p.onRetry(e.changeId)} data-testid="queue-retry">
                      {t('queue.retry')}
                    </button>
                    <button
                      type="button"
                      className="danger secondary small"
                      data-testid="queue-discard"
                      onClick={() => {
                        if (p.confirm(t('queue.confirmDiscard', { title }))) p.onDiscard(e.changeId);
                      }}
                    >
                      {t('queue.discard')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <ImportUnsynced />
      <MediaUploads />
    </section>
  );
}
