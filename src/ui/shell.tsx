'use client';
// The signed-in app: top bar, sync status on every screen, navigation, banners (offline, sign in
// again), and the screen of the current hash route.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSelect } from './components/language-select';
import { StatusBar } from './components/status-bar';
import { StorageResetBanner } from './components/storage-reset-banner';
import { ToastProvider } from './components/toast';
import { useEngine, useSync } from './engine-context';
import { useLostEdits, wasRestored } from './hooks/use-device-data';
import { useRoute } from './hooks/use-route';
import { useServerStatus } from './hooks/use-server-status';
import { href, type Route } from './routes';
import { AdminScreen } from './screens/admin-screen';
import { LoginScreen } from './screens/login-screen';
import type { Session } from './session';
import { ConflictsView } from './views/conflicts-view';
import { QueueView } from './views/queue-view';
import { AssessmentView, EditAssessmentView, EditResponseView, EntitiesView, EntityView, NewAssessmentView, NewFormAssessmentView, NewResponseView } from './views/record-views';
import { FormEditorScreen } from './forms/form-editor-screen';
import { FormsNavLink } from './forms/forms-nav-link';

export interface ShellProps {
  readonly session: Session;
  readonly online: boolean;
  readonly onLogin: (email: string, password: string) => Promise<Session>;
  readonly onLogout: () => void;
}

function Screen({ route, session, online, onUnauthorized }: { route: Route; session: Session; online: boolean; onUnauthorized: () => void }) {
  switch (route.name) {
    case 'entities':
      return <EntitiesView />;
    case 'entity':
      return <EntityView entityId={route.entityId} />;
    case 'new-assessment':
      return <NewAssessmentView entityId={route.entityId} />;
    case 'assessment':
      return <AssessmentView id={route.assessmentId} />;
    case 'edit-assessment':
      return <EditAssessmentView id={route.assessmentId} />;
    case 'new-response':
      return <NewResponseView assessmentId={route.assessmentId} />;
    case 'edit-response':
      return <EditResponseView id={route.responseId} />;
    case 'queue':
      return <QueueView />;
    case 'conflicts':
      return <ConflictsView session={session} online={online} onUnauthorized={onUnauthorized} />;
    case 'admin':
      return <AdminScreen session={session} online={online} onUnauthorized={onUnauthorized} />;
    case 'new-form-assessment':
      return <NewFormAssessmentView entityId={route.entityId} formId={route.formId} />;
    case 'form-editor':
      return <FormEditorScreen session={session} online={online} formId={route.formId} onUnauthorized={onUnauthorized} />;
    case 'reference':
      return null; // app.tsx shows it, signed in or not
  }
}

const section = (r: Route): 'sites' | 'queue' | 'conflicts' | 'admin' =>
  r.name === 'queue' || r.name === 'conflicts' || r.name === 'admin' ? r.name : 'sites';

export function Shell({ session, online, onLogin, onLogout }: ShellProps) {
  const engine = useEngine();
  const { t: tc } = useTranslation('common');
  const route = useRoute();
  const state = useSync((s) => s.state);
  const counts = useSync((s) => s.counts);
  // From the live-update stream: open conflicts a coordinator may resolve, and this user's writes others replaced.
  const openConflicts = useSync((s) => s.openConflicts);
  const overwrittenLive = useSync((s) => s.overwrittenRecordIds);
  const serverStatus = useServerStatus(session.token, online);
  // The live stream tells this session as it happens; the status answer also covers edits overwritten while no stream was open.
  const overwritten = new Set([...overwrittenLive, ...(serverStatus?.overwrittenRecordIds ?? [])]).size;
  const { t: ts } = useTranslation('states');
  const lost = useLostEdits()?.filter((l) => !l.record || !wasRestored(l.entry, l.record));
  const [relogin, setRelogin] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After navigating, move focus to the new screen's heading so keyboard and screen reader users follow.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => (mainRef.current?.querySelector('h1') ?? mainRef.current)?.focus({ preventScroll: false }));
  }, [route]);

  const unsynced = counts.pending + counts.syncing + counts.failed + counts.rejected;
  const current = section(route);
  const needsLogin = state.kind === 'needs_login';

  return (
    <ToastProvider>
      <div className="app">
        <header className="topbar">
          <a className="brand" href={href({ name: 'entities' })}>
            {tc('appName')}
          </a>
          <span className="user" data-testid="current-user">
            <span dir="auto">{session.user.name}</span> · {tc(`role.${session.user.role}`)}
          </span>
          <LanguageSelect />
          <button
            type="button"
            onClick={() => {
              const ok =
                unsynced === 0 ||
                window.confirm(tc('unsyncedOnSignOut', { count: unsynced }));
              if (ok) void engine.setToken(null).finally(onLogout);
            }}
          >
            {tc('signOut')}
          </button>
        </header>
        <StatusBar online={online} clockSkewMs={serverStatus?.skewMs ?? null} />
        <nav className="nav" aria-label={tc('nav.main')}>
          <a href={href({ name: 'entities' })} aria-current={current === 'sites' ? 'page' : undefined}>
            {tc('nav.sites')}
          </a>
          <a href={href({ name: 'queue' })} aria-current={current === 'queue' ? 'page' : undefined} data-testid="nav-queue">
            {tc('nav.queue')}{unsynced ? ` ${ts('nav.unsynced', { count: unsynced })}` : ''}
          </a>
          <a href={href({ name: 'conflicts' })} aria-current={current === 'conflicts' ? 'page' : undefined} data-testid="nav-conflicts">
            {tc('nav.conflicts')}{lost?.length ? ` ${ts('nav.lost', { count: lost.length })}` : ''}
            {openConflicts !== null && (
              <span data-testid="conflict-count" data-count={openConflicts} title={ts('nav.openTitle')}>
                {' · '}
                {ts('nav.open', { count: openConflicts })}
              </span>
            )}
            {overwritten > 0 && (
              <span data-testid="overwritten-count" data-count={overwritten} title={ts('nav.overwrittenTitle')}>
                {' · '}
                {ts('nav.overwritten', { count: overwritten })}
              </span>
            )}
          </a>
          {session.user.role !== 'field_worker' && (
            <a href={href({ name: 'admin' })} aria-current={current === 'admin' ? 'page' : undefined} data-testid="nav-admin">
              {session.user.role === 'admin' ? tc('nav.admin') : tc('nav.people')}
            </a>
          )}
          <FormsNavLink role={session.user.role} current={route.name === 'form-editor'} />
        </nav>
        <StorageResetBanner userId={session.user.id} />
        {!online && (
          <p className="banner offline" role="status" data-testid="offline-banner">
            {ts('banner.offline')}
          </p>
        )}
        {needsLogin && !online && (
          <p className="banner info" role="status" data-testid="expired-offline">
            {ts('banner.expiredOffline')}
          </p>
        )}
        {needsLogin && online && !relogin && (
          <div className="banner info row between" role="status" data-testid="expired-banner">
            <span>{ts('banner.expired')}</span>
            <button type="button" className="small" onClick={() => setRelogin(true)}>
              {ts('banner.signInAgain')}
            </button>
          </div>
        )}
        {/* Signing in again opens above the screen, never in its place: the user's work stays in view. Offline it waits for the connection. */}
        {relogin && online && (
          <section className="relogin-panel" aria-label={ts('banner.reloginTitle')} data-testid="relogin-panel">
            <LoginScreen
              online={online}
              notice={ts('banner.reloginNotice', { email: session.user.email })}
              initialEmail={session.user.email}
              onLogin={async (email, password) => {
                const s = await onLogin(email, password);
                setRelogin(false);
                return s;
              }}
            />
            <button type="button" className="secondary small" onClick={() => setRelogin(false)}>
              {ts('banner.later')}
            </button>
          </section>
        )}
        <main ref={mainRef} tabIndex={-1}>
          <Screen route={route} session={session} online={online} onUnauthorized={() => setRelogin(true)} />
        </main>
      </div>
    </ToastProvider>
  );
}
