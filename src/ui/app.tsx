'use client';
// The app's root: registers the service worker, restores the session (so a reload, even
// offline, reopens the app as the same user), shows sign-in or the signed-in shell.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EngineProvider } from './engine-context';
import { applyLanguage, deviceLanguage } from './i18n';
import { useOnline } from './hooks/use-online';
import { useRoute } from './hooks/use-route';
import { ApiReferenceScreen } from './screens/api-reference-screen';
import { LoginScreen } from './screens/login-screen';
import { registerServiceWorker } from './service-worker';
import { clearSession, loadSession, login, saveSession, type Session } from './session';
import { Shell } from './shell';

function Splash() {
  const { t } = useTranslation();
  return (
    <main className="login" aria-busy="true">
      <p className="muted">{t('opening')}</p>
    </main>
  );
}

export function App() {
  // undefined until the browser's storage is read (the static HTML knows no session).
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const online = useOnline();
  const route = useRoute();

  useEffect(() => {
    void applyLanguage(deviceLanguage(), false);
    setSession(loadSession());
    void registerServiceWorker();
  }, []);

  async function signIn(email: string, password: string): Promise<Session> {
    const s = await login(email, password);
    saveSession(s);
    setSession(s);
    return s;
  }

  // The API reference describes no one's data: open to anyone, signed in or not.
  if (route.name === 'reference') return <ApiReferenceScreen />;
  if (session === undefined) return <Splash />;
  if (session === null) return <LoginScreen online={online} onLogin={signIn} />;
  return (
    <EngineProvider key={session.user.id} session={session} fallback={<Splash />}>
      <Shell
        session={session}
        online={online}
        onLogin={signIn}
        onLogout={() => {
          clearSession();
          setSession(null);
          window.location.hash = '';
        }}
      />
    </EngineProvider>
  );
}
