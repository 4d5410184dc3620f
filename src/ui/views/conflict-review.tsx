'use client';
// The coordinator's (and admin's) review of the conflicts of their entities, from the server's
// conflict log: winner and loser side by side, then "accept" or "restore the losing version"
// (asked first). Resolved conflicts stay below as history (resolved by whom, when), and a
// restore can be undone there. A resolve the server refuses keeps the list (resolve-failure.ts).
// The open log comes a page at a time, newest first; "Load more" fetches the next page.
//
//   loading ──▶ ready{conflicts, cursor} ──act──▶ ready (minus it; history reloaded)
//      └─────▶ failed{message}   (offline, 401, no answer)
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictEntry } from '@/protocol/conflicts';
import { SideBySide } from '../components/side-by-side';
import { useToast } from '../components/toast';
import { ConflictsApiError, fetchConflictsPage, resolveConflict } from '../conflicts-api';
import { useEngine } from '../engine-context';
import { useEntities } from '../hooks/use-device-data';
import { type ResolveFailure, type ResolveRequestAction, resolveFailure } from '../resolve-failure';
import type { Session } from '../session';
import { titleOf, useDiffContext, who } from './conflict-labels';

type ReviewState =
  | { kind: 'loading' }
  /** `cursor`: where the next page starts, when there is one. */
  | { kind: 'ready'; conflicts: ConflictEntry[]; cursor: string | undefined }
  | { kind: 'failed'; message: string };

type Refusal = Extract<ResolveFailure, { kind: 'refused' }>;
type T = ReturnType<typeof useTranslation<'conflicts'>>['t'];

/** A stamp or ISO time in the user's language. */
export function timeText(stampOrIso: string, language: string): string {
  const t = Date.parse(stampOrIso.slice(0, 24));
  return Number.isNaN(t) ? stampOrIso : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(t);
}

function refusalText(t: T, r: Refusal): string {
  const why = r.reason ?? t('failure.refused');
  return r.action === 'restore_loser' ? `${why} ${t('failure.acceptInstead')}` : why;
}

export function ConflictReview({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const { t } = useTranslation('conflicts');
  const engine = useEngine();
  const toast = useToast();
  const entities = useEntities();
  const [state, setState] = useState<ReviewState>({ kind: 'loading' });
  const [history, setHistory] = useState<ConflictEntry[] | null>(null);
  const [acting, setActing] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // Conflicts the server refused an action on, by id: shown with its reason until the next load.
  const [refusals, setRefusals] = useState<ReadonlyMap<string, Refusal>>(new Map());

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ConflictsApiError && e.status === 401) onUnauthorized();
      setState({ kind: 'failed', message: e instanceof ConflictsApiError && e.status === null ? t('failure.noConnection') : e instanceof Error ? e.message : String(e) });
    },
    [onUnauthorized, t],
  );

  const loadHistory = useCallback(() => {
    // The newest page of resolved conflicts; without it the open ones still show.
    fetchConflictsPage(session.token, { status: 'resolved' }).then(
      (page) => setHistory(page.conflicts),
      () => undefined,
    );
  }, [session.token]);

  const load = useCallback(() => {
    setState({ kind: 'loading' });
    setRefusals(new Map());
    fetchConflictsPage(session.token, { status: 'open' }).then(
      (page) => setState({ kind: 'ready', conflicts: page.conflicts, cursor: page.hasMore ? page.cursor : undefined }),
      fail,
    );
    loadHistory();
  }, [session.token, fail, loadHistory]);

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
    else setState({ kind: 'failed', message: t('review.offline') });
  }, [online, load, t]);

  async function act(c: ConflictEntry, action: ResolveRequestAction) {
    setActing(c.id);
    try {
      const { conflict } = await resolveConflict(session.token, c.id, action);
      if (action === 'undo_restore') {
        setHistory((h) => h?.filter((x) => x.id !== c.id) ?? h);
        setState((s) => (s.kind === 'ready' ? { ...s, conflicts: [conflict, ...s.conflicts.filter((x) => x.id !== c.id)] } : s));
        toast(t('history.undone'));
      } else {
        setState((s) => (s.kind === 'ready' ? { ...s, conflicts: s.conflicts.filter((x) => x.id !== c.id) } : s));
        setHistory((h) => [conflict, ...(h ?? []).filter((x) => x.id !== c.id)]);
        toast(action === 'accept' ? t('review.accepted') : t('review.restored'));
      }
      void engine.syncNow();
    } catch (e) {
      const failure = resolveFailure(e instanceof ConflictsApiError ? e : { status: null, code: null, message: String(e) }, action);
      if (failure.kind === 'sign-in') fail(e);
      else if (failure.kind === 'taken') {
        toast(t('failure.taken'));
        load();
      } else if (failure.kind === 'refused') setRefusals((r) => new Map(r).set(c.id, failure));
      else toast(failure.busy ? t('failure.busy') : t('failure.unreachable'));
    } finally {
      setActing(null);
    }
  }

  const entityName = (id: string) => entities?.entities.find((e) => e.id === id)?.name ?? t('lost.site');
  return (
    <>
      <section className="section" aria-labelledby="review-heading">
        <div className="row between">
          <h1 id="review-heading">{t('review.heading')}</h1>
          <button type="button" className="secondary small" onClick={load} disabled={!online || state.kind === 'loading'}>
            {t('review.refresh')}
          </button>
        </div>
        {state.kind === 'loading' && <p className="empty">{t('review.loading')}</p>}
        {state.kind === 'failed' && (
          <p className="banner error" role="alert" style={{ margin: 0 }}>
            {state.message}
          </p>
        )}
        {state.kind === 'ready' && state.conflicts.length === 0 && state.cursor === undefined && <p className="empty">{t('review.none')}</p>}
        {state.kind === 'ready' && state.conflicts.length > 0 && (
          <ul className="list">
            {state.conflicts.map((c) => (
              <OpenConflict key={c.id} c={c} session={session} site={entityName(c.entityId)} online={online} busy={acting !== null} refused={refusals.get(c.id)} onAct={(a) => void act(c, a)} />
            ))}
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
              {loadingMore ? t('review.loading') : t('review.loadMore')}
            </button>
          </div>
        )}
      </section>
      {online && history !== null && (
        <section className="section" aria-labelledby="history-heading" data-testid="conflict-history">
          <h2 id="history-heading">{t('history.heading')}</h2>
          {history.length === 0 ? (
            <p className="empty">{t('history.none')}</p>
          ) : (
            <ul className="list conflict-history">
              {history.map((c) => (
                <ResolvedConflict key={c.id} c={c} session={session} site={entityName(c.entityId)} busy={acting !== null} refused={refusals.get(c.id)} onUndo={() => void act(c, 'undo_restore')} />
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

interface OpenProps {
  readonly c: ConflictEntry;
  readonly session: Session;
  readonly site: string;
  readonly online: boolean;
  readonly busy: boolean;
  readonly refused: Refusal | undefined;
  readonly onAct: (action: ResolveRequestAction) => void;
}

function OpenConflict({ c, session, site, online, busy, refused, onAct }: OpenProps) {
  const { t, i18n } = useTranslation('conflicts');
  const context = useDiffContext([c.winner.data, c.loser.data]);
  const title = titleOf(t, c.type, c.winner.deleted ? c.loser.data : c.winner.data);
  const loserName = who(t, c.loser, session);
  return (
    <li data-testid="conflict-item" data-conflict-id={c.id} data-record-id={c.recordId} style={{ padding: '0.75rem 0' }}>
      <h3>
        <span dir="auto">{title}</span> <span className="muted">· {site} · {t(`type.${c.type}`)}</span>
      </h3>
      <SideBySide
        context={context}
        winner={{ label: t('review.won'), detail: t('byVersion', { name: who(t, c.winner, session), version: String(c.winner.version), time: timeText(c.winner.hlc, i18n.language) }), data: c.winner.data, deleted: c.winner.deleted }}
        loser={{ label: t('review.lost'), detail: t('by', { name: loserName, time: timeText(c.loser.hlc, i18n.language) }), data: c.loser.data, deleted: c.loser.deleted }}
      />
      {refused && (
        <p className="banner error" role="alert" data-testid="conflict-refused" style={{ marginTop: '0.6rem' }}>
          {refusalText(t, refused)}
        </p>
      )}
      <div className="row" style={{ marginTop: '0.6rem' }}>
        <button type="button" className="secondary" data-testid="conflict-accept" disabled={busy || !online || refused?.action === 'accept'} onClick={() => onAct('accept')}>
          {t('review.accept')}
        </button>
        <button
          type="button"
          data-testid="conflict-restore"
          disabled={busy || !online || refused?.action === 'restore_loser'}
          onClick={() => {
            const restored = titleOf(t, c.type, c.loser.data);
            if (window.confirm(t('review.confirmRestore', { name: loserName, restored, winner: who(t, c.winner, session), current: title }))) onAct('restore_loser');
          }}
        >
          {t('review.restore')}
        </button>
      </div>
    </li>
  );
}

interface ResolvedProps {
  readonly c: ConflictEntry;
  readonly session: Session;
  readonly site: string;
  readonly busy: boolean;
  readonly refused: Refusal | undefined;
  readonly onUndo: () => void;
}

function ResolvedConflict({ c, session, site, busy, refused, onUndo }: ResolvedProps) {
  const { t, i18n } = useTranslation('conflicts');
  const title = titleOf(t, c.type, c.resolvedAction === 'restore_loser' ? c.loser.data : c.winner.data);
  // By name, also one's own: the history is read by other coordinators too.
  const name = c.resolvedByName ?? (c.resolvedBy === session.user.id ? session.user.name : t('someone'));
  const time = c.resolvedAt ? timeText(c.resolvedAt, i18n.language) : '';
  const restored = c.resolvedAction === 'restore_loser';
  return (
    <li data-testid="conflict-history-item" data-conflict-id={c.id} data-record-id={c.recordId} data-action={c.resolvedAction}>
      <h3>
        <span dir="auto">{title}</span> <span className="muted">· {site} · {t(`type.${c.type}`)}</span>
      </h3>
      <p className="muted conflict-meta" data-testid="conflict-resolved-by">
        {restored ? t('history.restoredBy', { name, time }) : t('history.acceptedBy', { name, time })}
      </p>
      {refused && (
        <p className="banner error" role="alert" data-testid="conflict-refused">
          {refusalText(t, refused)}
        </p>
      )}
      {restored && (
        <button
          type="button"
          className="secondary small"
          data-testid="conflict-undo"
          disabled={busy || refused?.action === 'undo_restore'}
          onClick={() => {
            if (window.confirm(t('history.confirmUndo', { title }))) onUndo();
          }}
        >
          {t('history.undo')}
        </button>
      )}
    </li>
  );
}
