'use client';
// Conflicts. Every user sees which of this device's edits lost and what won. Coordinators (and
// admins) also review the open conflicts of their entities from the server's conflict log:
// winner and loser side by side, then "accept" or "restore the losing version".
import { useCallback, useEffect, useState } from 'react';
import type { ConflictEntry, ResolveAction } from '@/protocol/conflicts';
import { SideBySide } from '../components/side-by-side';
import { useToast } from '../components/toast';
import type { LocalRecord } from '@/client';
import { ConflictsApiError, fetchConflicts, fetchOpenConflicts, resolveConflict } from '../conflicts-api';
import { useEngine, useSync } from '../engine-context';
import { hlcTime } from '../format';
import { asAssessment } from '../forms';
import { useEntities, useLostEdits, wasRestored } from '../hooks/use-device-data';
import { useLiveQuery } from '../hooks/use-live-query';
import { mergeLostEdits } from '../lost-edits';
import { type ResolveFailure, resolveFailure } from '../resolve-failure';
import { href } from '../routes';
import type { Session } from '../session';

function who(userId: string, session: Session): string {
  return userId === session.user.id ? 'you' : `user ${userId.slice(0, 8)}`;
}

function titleOf(data: Record<string, unknown>, fallback: string): string {
  return asAssessment(data).title || fallback;
}

export function ConflictsView({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const reviewer = session.user.role === 'coordinator' || session.user.role === 'admin';
  return (
    <>
      {reviewer && <ConflictReview session={session} online={online} onUnauthorized={onUnauthorized} />}
      <LostEdits session={session} online={online} hideWhenNone={reviewer} />
    </>
  );
}

/** The server's conflict log (for the losers in it), refreshed while online; null when unknown. */
function useConflictLog(session: Session, online: boolean, refreshKey: unknown): ConflictEntry[] | null {
  const [log, setLog] = useState<ConflictEntry[] | null>(null);
  useEffect(() => {
    if (!online) return;
    let cancelled = false;
    // Without the log the device's own knowledge still shows; a failure here is not an error to show.
    fetchConflicts(session.token).then(
      (l) => !cancelled && setLog(l),
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

type ReviewState = { kind: 'loading' } | { kind: 'ready'; conflicts: ConflictEntry[] } | { kind: 'failed'; message: string };

function ConflictReview({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const engine = useEngine();
  const toast = useToast();
  const entities = useEntities();
  const [state, setState] = useState<ReviewState>({ kind: 'loading' });
  const [acting, setActing] = useState<string | null>(null);
  // Conflicts the server refused an action on, by id: shown with its reason until the next load.
  const [refusals, setRefusals] = useState<ReadonlyMap<string, Extract<ResolveFailure, { kind: 'refused' }>>>(new Map());

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ConflictsApiError && e.status === 401) onUnauthorized();
      setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    },
    [onUnauthorized],
  );

  const load = useCallback(() => {
    setState({ kind: 'loading' });
    setRefusals(new Map());
    fetchOpenConflicts(session.token).then((conflicts) => setState({ kind: 'ready', conflicts }), fail);
  }, [session.token, fail]);

  useEffect(() => {
    if (online) load();
    else setState({ kind: 'failed', message: 'You are offline. Conflict review needs a connection.' });
  }, [online, load]);

  async function act(c: ConflictEntry, action: ResolveAction) {
    setActing(c.id);
    try {
      await resolveConflict(session.token, c.id, action);
      setState((s) => (s.kind === 'ready' ? { kind: 'ready', conflicts: s.conflicts.filter((x) => x.id !== c.id) } : s));
      toast(action === 'accept' ? 'Conflict accepted' : 'Losing version restored; it syncs to every device');
      void engine.syncNow();
    } catch (e) {
      const failure = resolveFailure(e instanceof ConflictsApiError ? e : { status: null, code: null, message: String(e) }, action);
      if (failure.kind === 'sign-in') fail(e);
      else if (failure.kind === 'taken') {
        toast(failure.message);
        load();
      } else if (failure.kind === 'refused') setRefusals((r) => new Map(r).set(c.id, failure));
      else toast(failure.message);
    } finally {
      setActing(null);
    }
  }

  const entityName = (id: string) => entities?.entities.find((e) => e.id === id)?.name ?? 'Site';
  return (
    <section className="section" aria-labelledby="review-heading">
      <div className="row between">
        <h1 id="review-heading">Conflicts to review</h1>
        <button type="button" className="secondary small" onClick={load} disabled={!online || state.kind === 'loading'}>
          Refresh
        </button>
      </div>
      {state.kind === 'loading' && <p className="empty">Loading…</p>}
      {state.kind === 'failed' && (
        <p className="banner error" role="alert" style={{ margin: 0 }}>
          {state.message}
        </p>
      )}
      {state.kind === 'ready' && state.conflicts.length === 0 && <p className="empty">No open conflicts.</p>}
      {state.kind === 'ready' && state.conflicts.length > 0 && (
        <ul className="list">
          {state.conflicts.map((c) => {
            const refused = refusals.get(c.id);
            return (
              <li key={c.id} data-testid="conflict-item" data-conflict-id={c.id} data-record-id={c.recordId} style={{ padding: '0.75rem 0' }}>
                <h3>
                  {titleOf(c.winner.data, c.recordId)} <span className="muted">· {entityName(c.entityId)} · {c.type}</span>
                </h3>
                <SideBySide
                  winner={{ label: 'Won', detail: `by ${who(c.winner.userId, session)} · v${c.winner.version} · ${hlcTime(c.winner.hlc)}`, data: c.winner.data, deleted: c.winner.deleted }}
                  loser={{ label: 'Lost', detail: `by ${who(c.loser.userId, session)} · ${hlcTime(c.loser.hlc)}`, data: c.loser.data, deleted: c.loser.deleted }}
                />
                {refused && (
                  <p className="banner error" role="alert" data-testid="conflict-refused" style={{ marginTop: '0.6rem' }}>
                    {refused.message}
                  </p>
                )}
                <div className="row" style={{ marginTop: '0.6rem' }}>
                  <button type="button" className="secondary" data-testid="conflict-accept" disabled={acting !== null || !online || refused?.action === 'accept'} onClick={() => void act(c, 'accept')}>
                    Accept
                  </button>
                  <button type="button" data-testid="conflict-restore" disabled={acting !== null || !online || refused?.action === 'restore_loser'} onClick={() => void act(c, 'restore_loser')}>
                    Restore the losing version
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
