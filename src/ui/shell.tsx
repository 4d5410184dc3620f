'use client';
// The signed-in app: top bar, sync status on every screen, navigation, banners (offline, sign in
// again), and the screen of the current hash route.
import { useEffect, useRef, useState } from 'react';
import { LanguageSelect } from './components/language-select';
import { StatusBar } from './components/status-bar';
import { count } from './format';
import { ToastProvider } from './components/toast';
import { useEngine, useSync } from './engine-context';
import { useLostEdits, wasRestored } from './hooks/use-device-data';
import { useRoute } from './hooks/use-route';
import { href, type Route } from './routes';
import { AdminScreen } from './screens/admin-screen';
import { LoginScreen } from './screens/login-screen';
import type { Session } from './session';
import { ConflictsView } from './views/conflicts-view';
import { QueueView } from './views/queue-view';
import { AssessmentView, EditAssessmentView, EditResponseView, EntitiesView, EntityView, NewAssessmentView, NewResponseView } from './views/record-views';

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
    case 'reference':
      return null; // app.tsx shows it, signed in or not
  }
}

const section = (r: Route): 'sites' | 'queue' | 'conflicts' | 'admin' =>
  r.name === 'queue' || r.name === 'conflicts' || r.name === 'admin' ? r.name : 'sites';

export function Shell({ session, online, onLogin, onLogout }: ShellProps) {
  const engine = useEngine();
  const route = useRoute();
  const state = useSync((s) => s.state);
  const counts = useSync((s) => s.counts);
  // From the live-update stream: open conflicts a coordinator may resolve, and this user's writes others replaced.
  const openConflicts = useSync((s) => s.openConflicts);
  const overwritten = useSync((s) => s.overwrittenRecordIds.length);
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
            Fieldsync
          </a>
          <span className="user" data-testid="current-user">
            {session.user.name} · {session.user.role.replace('_', ' ')}
          </span>
          <LanguageSelect />
          <button
            type="button"
            onClick={() => {
              const ok =
                unsynced === 0 ||
                window.confirm(`${count(unsynced, 'change')} ${unsynced === 1 ? 'is' : 'are'} not synced yet. They stay on this device and are sent when you sign in again. Sign out?`);
              if (ok) void engine.setToken(null).finally(onLogout);
            }}
          >
            Sign out
          </button>
        </header>
        <StatusBar online={online} />
        <nav className="nav" aria-label="Main">
          <a href={href({ name: 'entities' })} aria-current={current === 'sites' ? 'page' : undefined}>
            Sites
          </a>
          <a href={href({ name: 'queue' })} aria-current={current === 'queue' ? 'page' : undefined} data-testid="nav-queue">
            Sync queue{unsynced ? ` (${unsynced})` : ''}
          </a>
          <a href={href({ name: 'conflicts' })} aria-current={current === 'conflicts' ? 'page' : undefined} data-testid="nav-conflicts">
            Conflicts{lost?.length ? ` (${lost.length})` : ''}
            {openConflicts !== null && (
              <span data-testid="conflict-count" title="Open conflicts you may resolve">
                {' · '}
                {openConflicts} open
              </span>
            )}
            {overwritten > 0 && (
              <span data-testid="overwritten-count" title="Your synced changes that another user’s later change replaced">
                {' · '}
                {overwritten} overwritten
              </span>
            )}
          </a>
          {session.user.role !== 'field_worker' && (
            <a href={href({ name: 'admin' })} aria-current={current === 'admin' ? 'page' : undefined} data-testid="nav-admin">
              {session.user.role === 'admin' ? 'Admin' : 'People'}
            </a>
          )}
        </nav>
        {!online && (
          <p className="banner offline" role="status" data-testid="offline-banner">
            You are offline. Your work is kept on this device and is sent by itself when the connection returns.
          </p>
        )}
        {needsLogin && !relogin && (
          <div className="banner info row between" role="status">
            <span>Your session has expired. Your work is safe on this device; sign in again to sync it.</span>
            <button type="button" className="small" onClick={() => setRelogin(true)}>
              Sign in again
            </button>
          </div>
        )}
        {relogin ? (
          <LoginScreen
            online={online}
            notice={`Sign in again as ${session.user.email} to sync this device’s work.`}
            initialEmail={session.user.email}
            onLogin={async (email, password) => {
              const s = await onLogin(email, password);
              setRelogin(false);
              return s;
            }}
          />
        ) : (
          <main ref={mainRef} tabIndex={-1}>
            <Screen route={route} session={session} online={online} onUnauthorized={() => setRelogin(true)} />
          </main>
        )}
      </div>
    </ToastProvider>
  );
}
