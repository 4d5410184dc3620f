'use client';
// Conflicts. Every user sees their edits that lost and what won: this device's, and (from the
// server's conflict log) those made on their other devices that another user's later edit
// overwrote. Coordinators (and admins) also review the conflicts of their entities
// (conflict-review.tsx).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalRecord } from '@/client';
import type { ConflictEntry } from '@/protocol/conflicts';
import { SideBySide } from '../components/side-by-side';
import { fetchConflicts } from '../conflicts-api';
import { useEngine, useSync } from '../engine-context';
import { asResponse } from '../forms';
import { useLostEdits, wasRestored } from '../hooks/use-device-data';
import { useLiveQuery } from '../hooks/use-live-query';
import { readUserNames } from '../lists/user-names';
import { type LostItem, mergeLostEdits } from '../lost-edits';
import { href } from '../routes';
import type { Session } from '../session';
import { titleOf, useDiffContext, who } from './conflict-labels';
import { ConflictReview, timeText } from './conflict-review';

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
 * The server's conflict log (for the losers in it), refreshed while online and whenever the
 * device learns of a new loss or overwrite; null when unknown. Its newest pages only
 * (fetchConflicts follows the cursor up to a bound): an older loss not in them still shows from
 * the device's own outbox.
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

function LostEdits({ session, online, hideWhenNone }: { readonly session: Session; readonly online: boolean; readonly hideWhenNone: boolean }) {
  const { t } = useTranslation('conflicts');
  const device = useLostEdits();
  const engine = useEngine();
  // Offline, the names the device kept stand in for the ones the log gives.
  const names = useLiveQuery(() => readUserNames(engine.db), [engine]);
  const deviceId = useSync((s) => s.deviceId);
  const overwritten = useSync((s) => s.overwrittenRecordIds.length);
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  const log = useConflictLog(session, online, `${device?.length}|${overwritten}|${lastSyncedAt}`);
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
          names,
        );
  const records = useRecordsById(items?.map((i) => i.recordId) ?? []);
  const types = new Map((log ?? []).map((c) => [c.recordId, c.type]));
  if (hideWhenNone && !items?.length) return null;
  // The page's main heading for field workers; second to the review for coordinators.
  const Heading = hideWhenNone ? 'h2' : 'h1';
  return (
    <section className="section" aria-labelledby="lost-heading" id="lost-edits" data-testid="lost-edits">
      <Heading id="lost-heading">{t('lost.heading')}</Heading>
      <p className="muted">{t('lost.intro')}</p>
      {items === undefined ? (
        <p className="empty">{t('review.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('lost.none')}</p>
      ) : (
        <ul className="list">
          {items.map((item) => (
            <LostEditItem key={item.key} item={item} current={records.get(item.recordId)} type={records.get(item.recordId)?.type ?? types.get(item.recordId) ?? 'assessment'} session={session} />
          ))}
        </ul>
      )}
    </section>
  );
}

function LostEditItem({ item, current, type, session }: { readonly item: LostItem; readonly current: LocalRecord | undefined; readonly type: string; readonly session: Session }) {
  const { t, i18n } = useTranslation('conflicts');
  const context = useDiffContext([item.mine.data, ...(item.won ? [item.won.data] : [])]);
  const data = current && !current.deleted ? current.data : (item.won?.data ?? item.mine.data);
  const title = titleOf(t, type, data);
  // A response opens its assessment; an assessment itself; a file has no screen of its own.
  const target = type === 'response' ? asResponse(data).assessmentId || null : type === 'assessment' && current && !current.deleted ? item.recordId : null;
  return (
    <li data-testid="lost-edit" data-record-id={item.recordId} data-outcome={item.outcome} data-other-device={item.otherDevice || undefined} style={{ padding: '0.6rem 0' }}>
      <h3 dir="auto">{target ? <a href={href({ name: 'assessment', assessmentId: target })}>{title}</a> : title}</h3>
      {item.otherDevice && <p className="muted conflict-meta">{t('lost.otherDevice')}</p>}
      {item.outcome !== 'open' && (
        <p className={`banner ${item.outcome === 'restored' ? 'ok' : 'info'}`} role="status" data-testid={`lost-edit-${item.outcome}`}>
          {t(`lost.${item.outcome}`)}
        </p>
      )}
      {item.outcome !== 'restored' &&
        (item.won ? (
          <SideBySide
            context={context}
            winner={{ label: t('lost.won'), detail: t('by', { name: who(t, item.won, session), time: timeText(item.won.hlc, i18n.language) }), data: item.won.data, deleted: item.won.deleted }}
            loser={{ label: t('lost.mine'), detail: timeText(item.mine.hlc, i18n.language), data: item.mine.data, deleted: item.mine.deleted }}
          />
        ) : (
          <p className="muted">{t('lost.noWinner')}</p>
        ))}
    </li>
  );
}

/** The device's copies of these records, by id (for current titles, types and links). */
function useRecordsById(ids: readonly string[]): Map<string, LocalRecord> {
  const engine = useEngine();
  const key = [...new Set(ids)].sort().join(',');
  const found = useLiveQuery(async () => (await engine.db.records.bulkGet(key ? key.split(',') : [])).filter((r) => r !== undefined), [engine, key]);
  return new Map((found ?? []).map((r) => [r.id, r]));
}
