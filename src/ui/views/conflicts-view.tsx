'use client';
// Conflicts. Every user sees which of this device's edits lost and what won. Coordinators (and
// admins) also review the open conflicts of their entities (conflict-review.tsx).
import { useEffect, useState } from 'react';
import type { ConflictEntry } from '@/protocol/conflicts';
import { SideBySide } from '../components/side-by-side';
import type { LocalRecord } from '@/client';
import { fetchConflicts } from '../conflicts-api';
import { useEngine, useSync } from '../engine-context';
import { hlcTime } from '../format';
import { useLostEdits, wasRestored } from '../hooks/use-device-data';
import { useLiveQuery } from '../hooks/use-live-query';
import { mergeLostEdits } from '../lost-edits';
import { href } from '../routes';
import type { Session } from '../session';
import { titleOf, who } from './conflict-labels';
import { ConflictReview } from './conflict-review';

export function ConflictsView({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const reviewer = session.user.role === 'coordinator' || session.user.role === 'admin';
  return (
    <>
      {reviewer && <ConflictReview session={session} online={online} onUnauthorized={onUnauthorized} />}
      <LostEdits session={session} online={online} hideWhenNone={reviewer} />
    </>
  );
}

/**
 * The server's conflict log (for the losers in it), refreshed while online; null when unknown.
 * Its newest pages only (fetchConflicts follows the cursor up to a bound): an older loss not in
 * them still shows from the device's own outbox.
 */
function useConflictLog(session: Session, online: boolean, refreshKey: unknown): ConflictEntry[] | null {
  const [log, setLog] = useState<ConflictEntry[] | null>(null);
  useEffect(() => {
    if (!online) return;
    let cancelled = false;
    // Without the log the device's own knowledge still shows; a failure here is not an error to show.
    fetchConflicts(session.token).then(
      (l) => !cancelled && setLog(l.conflicts),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [session.token, online, refreshKey]);
  return log;
}

const OUTCOME_TEXT = {
  restored: 'A coordinator restored your version: it is the current one.',
  accepted: 'A coordinator reviewed this conflict and kept the winning version.',
} as const;

function LostEdits({ session, online, hideWhenNone }: { readonly session: Session; readonly online: boolean; readonly hideWhenNone: boolean }) {
  const device = useLostEdits();
  const deviceId = useSync((s) => s.deviceId);
  const log = useConflictLog(session, online, device?.length);
  const records = useLiveQueryRecords(log?.map((c) => c.recordId) ?? []);
  const items =
    device === undefined
      ? undefined
      : mergeLostEdits(
          device.map(({ entry, record }) => ({
            changeId: entry.changeId,
            recordId: entry.recordId,
            mine: { data: entry.data ?? {}, deleted: entry.action === 'delete', hlc: entry.hlc, userId: session.user.id },
            won: record
              ? { data: (record.server ?? record).data, deleted: (record.server ?? record).deleted, hlc: (record.server ?? record).hlc, userId: (record.server ?? record).updatedBy }
              : null,
            restoredOnDevice: record !== null && wasRestored(entry, record),
          })),
          log,
          { userId: session.user.id, deviceId },
        );
  if (hideWhenNone && !items?.length) return null;
  // The page's main heading for field workers; second to the review for coordinators.
  const Heading = hideWhenNone ? 'h2' : 'h1';
  return (
    <section className="section" aria-labelledby="lost-heading">
      <Heading id="lost-heading">Your edits that lost</Heading>
      <p className="muted">When two people change the same record, the later change wins. Yours is kept in the conflict log, and a coordinator can restore it.</p>
      {items === undefined ? (
        <p className="empty">Loading…</p>
      ) : items.length === 0 ? (
        <p className="empty">None of your edits lost a conflict.</p>
      ) : (
        <ul className="list">
          {items.map((item) => {
            const current = records.get(item.recordId);
            const title = titleOf(current?.data ?? item.won?.data ?? item.mine.data, item.recordId);
            return (
              <li key={item.key} data-testid="lost-edit" data-record-id={item.recordId} data-outcome={item.outcome} style={{ padding: '0.6rem 0' }}>
                <h3>{current && !current.deleted ? <a href={href({ name: 'assessment', assessmentId: item.recordId })}>{title}</a> : title}</h3>
                {item.outcome !== 'open' && (
                  <p className={`banner ${item.outcome === 'restored' ? 'ok' : 'info'}`} role="status" data-testid={`lost-edit-${item.outcome}`}>
                    {OUTCOME_TEXT[item.outcome]}
                  </p>
                )}
                {item.outcome !== 'restored' &&
                  (item.won ? (
                    <SideBySide
                      winner={{ label: 'What won', detail: `by ${item.won.userId ? who(item.won.userId, session) : 'someone'} · ${hlcTime(item.won.hlc)}`, data: item.won.data, deleted: item.won.deleted }}
                      loser={{ label: 'Your edit (lost)', detail: hlcTime(item.mine.hlc), data: item.mine.data, deleted: item.mine.deleted }}
                    />
                  ) : (
                    <p className="muted">The winning version is not on this device.</p>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The device's copies of these records, by id (for current titles and links). */
function useLiveQueryRecords(ids: readonly string[]): Map<string, LocalRecord> {
  const engine = useEngine();
  const key = ids.join(',');
  const found = useLiveQuery(async () => (await engine.db.records.bulkGet(key ? key.split(',') : [])).filter((r) => r !== undefined), [engine, key]);
  return new Map((found ?? []).map((r) => [r.id, r]));
}
