// The sync queue: every outbox entry with its status, attempts, last error and next retry;
// "sync now"; retry or discard a rejected or failed entry (discard asks first); the export
// of all unsynced work as a JSON file; and the uploads of photos and files, in bytes.
import type { StatusCounts } from '@/client/outbox-queue';
import type { OutboxEntry } from '@/client/db';
import { SYNC_STATUSES } from '@/core/outbox-state';
import { ACTION_LABEL, clockTime, STATUS_LABEL, timeUntil } from '../format';
import { MediaUploads } from '../components/media-uploads';

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

function nextRetry(e: OutboxEntry, now: number): string | null {
  if (e.status !== 'failed') return null;
  if (e.nextAttemptAt === null) return 'at the next connection';
  return e.nextAttemptAt <= now ? 'now' : `in ${timeUntil(e.nextAttemptAt, now)} (${clockTime(e.nextAttemptAt)})`;
}

function outcome(e: OutboxEntry): string | null {
  if (e.status !== 'conflict') return null;
  return e.winner === 'server' ? 'Your edit lost to a later one; it is kept in the conflict log.' : 'Your edit won over an earlier one.';
}

export function QueueScreen(p: QueueScreenProps) {
  const unsynced = p.counts.pending + p.counts.syncing + p.counts.failed + p.counts.rejected;
  return (
    <section className="section" aria-labelledby="queue-heading">
      <div className="row between">
        <h1 id="queue-heading">Sync queue</h1>
        <div className="row">
          <button type="button" className="secondary" onClick={p.onExport} disabled={unsynced === 0} data-testid="export-unsynced">
            Export unsynced
          </button>
        </div>
      </div>
      <p className="summary-counts" aria-label="Entries per status">
        {SYNC_STATUSES.filter((s) => p.counts[s] > 0).map((s) => (
          <span key={s} className={`badge ${s}`}>
            {p.counts[s]} {STATUS_LABEL[s]}
          </span>
        ))}
        {SYNC_STATUSES.every((s) => p.counts[s] === 0) && <span className="muted">Nothing in the queue.</span>}
      </p>
      {p.persisted === false && unsynced > 0 && (
        <p className="banner info" role="note">
          This browser may clear stored data when the device runs low on space. Sync, or export your unsynced work, when you can.
        </p>
      )}
      {p.entries === undefined ? (
        <p className="empty">Loading…</p>
      ) : (
        <ol className="list" aria-label="Outbox entries, oldest first">
          {p.entries.map((e) => {
            const retry = nextRetry(e, p.now);
            const result = outcome(e);
            const title = p.titles.get(e.recordId) ?? (typeof e.data?.title === 'string' ? e.data.title : e.recordId.slice(0, 8));
            return (
              <li key={e.changeId} className="queue-item" data-testid="queue-item" data-status={e.status} data-record-id={e.recordId} data-attempts={e.attempts}>
                <div className="row between">
                  <span>
                    <strong>
                      {ACTION_LABEL[e.action]} {e.type}
                    </strong>{' '}
                    · {title}
                  </span>
                  <span className={`badge ${e.status}`}>{STATUS_LABEL[e.status]}</span>
                </div>
                <dl className="meta">
                  <dt>Attempts</dt>
                  <dd data-testid="queue-attempts">{e.attempts}</dd>
                  {e.lastError && (
                    <>
                      <dt>Last error</dt>
                      <dd data-testid="queue-error">{e.lastError}</dd>
                    </>
                  )}
                  {retry && (
                    <>
                      <dt>Next retry</dt>
                      <dd data-testid="queue-next-retry" data-next-attempt-at={e.status === 'failed' ? (e.nextAttemptAt ?? '') : ''}>
                        {retry}
                      </dd>
                    </>
                  )}
                  {e.status === 'rejected' && (
                    <>
                      <dt>Reason</dt>
                      <dd>{e.code}</dd>
                    </>
                  )}
                  {result && (
                    <>
                      <dt>Result</dt>
                      <dd>{result}</dd>
                    </>
                  )}
                </dl>
                {(e.status === 'rejected' || e.status === 'failed') && (
                  <div className="row">
                    <button type="button" className="small" onClick={() => p.onRetry(e.changeId)} data-testid="queue-retry">
                      Retry
                    </button>
                    <button
                      type="button"
                      className="danger secondary small"
                      data-testid="queue-discard"
                      onClick={() => {
                        if (p.confirm(`Discard this change to “${title}”? It will not be sent, and cannot be recovered.`)) p.onDiscard(e.changeId);
                      }}
                    >
                      Discard
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <MediaUploads />
    </section>
  );
}
