'use client';
// The coordinator's (and admin's) review of the open conflicts of their entities, from the
// server's conflict log: winner and loser side by side, then "accept" or "restore the losing
// version". A resolve the server refuses keeps the list (resolve-failure.ts). The log comes a
// page at a time, newest first; "Load more" fetches the next page.
import { useCallback, useEffect, useState } from 'react';
import type { ConflictEntry, ResolveAction } from '@/protocol/conflicts';
import { SideBySide } from '../components/side-by-side';
import { useToast } from '../components/toast';
import { ConflictsApiError, fetchConflictsPage, resolveConflict } from '../conflicts-api';
import { useEngine } from '../engine-context';
import { hlcTime } from '../format';
import { useEntities } from '../hooks/use-device-data';
import { type ResolveFailure, resolveFailure } from '../resolve-failure';
import type { Session } from '../session';
import { titleOf, who } from './conflict-labels';

type ReviewState =
  | { kind: 'loading' }
  /** `cursor`: where the next page starts, when there is one. */
  | { kind: 'ready'; conflicts: ConflictEntry[]; cursor: string | undefined }
  | { kind: 'failed'; message: string };

export function ConflictReview({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const engine = useEngine();
  const toast = useToast();
  const entities = useEntities();
  const [state, setState] = useState<ReviewState>({ kind: 'loading' });
  const [acting, setActing] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
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
    fetchConflictsPage(session.token, { status: 'open' }).then(
      (page) => setState({ kind: 'ready', conflicts: page.conflicts, cursor: page.hasMore ? page.cursor : undefined }),
      fail,
    );
  }, [session.token, fail]);

  const loadMore = useCallback(
    (cursor: string) => {
      setLoadingMore(true);
      void fetchConflictsPage(session.token, { status: 'open', cursor })
        .then((page) => {
          setState((s) => {
            if (s.kind !== 'ready') return s;
            // An entry resolved meanwhile may shift the log; never show one twice.
            const have = new Set(s.conflicts.map((c) => c.id));
            const more = page.conflicts.filter((c) => !have.has(c.id));
            return { kind: 'ready', conflicts: [...s.conflicts, ...more], cursor: page.hasMore ? page.cursor : undefined };
          });
        }, fail)
        .finally(() => setLoadingMore(false));
    },
    [session.token, fail],
  );

  useEffect(() => {
    if (online) load();
    else setState({ kind: 'failed', message: 'You are offline. Conflict review needs a connection.' });
  }, [online, load]);

  async function act(c: ConflictEntry, action: ResolveAction) {
    setActing(c.id);
    try {
      await resolveConflict(session.token, c.id, action);
      setState((s) => (s.kind === 'ready' ? { ...s, conflicts: s.conflicts.filter((x) => x.id !== c.id) } : s));
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
      {state.kind === 'ready' && state.conflicts.length === 0 && state.cursor === undefined && <p className="empty">No open conflicts.</p>}
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
      {state.kind === 'ready' && state.cursor !== undefined && (
        <div className="row" style={{ marginTop: '0.6rem' }}>
          <button
            type="button"
            className="secondary"
            data-testid="conflicts-load-more"
            disabled={!online || loadingMore}
            onClick={() => state.cursor !== undefined && loadMore(state.cursor)}
          >
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
