'use client';
// Sign-in: email and password to POST /api/v1/auth/login. With no network it says so plainly
// (signing in needs the server once; after that the app works offline).
import { LanguageSelect } from '../components/language-select';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginError, type LoginFailure, loginFailureText, type Session } from '../session';

export interface LoginScreenProps {
  readonly onLogin: (email: string, password: string) => Promise<Session>;
  readonly online: boolean;
  /** Shown above the form, e.g. "your session expired". */
  readonly notice?: string | undefined;
  /** Filled in when signing in again as the same user. */
  readonly initialEmail?: string | undefined;
}

export function LoginScreen({ onLogin, online, notice, initialEmail }: LoginScreenProps) {
  const { t } = useTranslation('auth');
  const { t: tc } = useTranslation('common');
  const [email, setEmail] = useState(initialEmail ?? '');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState<LoginFailure | null>(null);
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => (initialEmail ? passwordRef : emailRef).current?.focus(), [initialEmail]);
  useEffect(() => {
    if (failure) errorRef.current?.focus();
  }, [failure]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const m = { email: !email.trim(), password: !password };
    setMissing(m);
    if (m.email || m.password) return;
    setBusy(true);
    setFailure(null);
    try {
      await onLogin(email.trim(), password);
    } catch (err) {
      setFailure(err instanceof LoginError ? err.failure : { kind: 'server', message: String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <div className="section">
        <div className="row between">
          <h1>{tc('appName')}</h1>
          <LanguageSelect />
        </div>
        <p className="muted">{t('intro')}</p>
        {notice && <p className="banner info" role="status">{notice}</p>}
        {!online && (
          <p className="banner offline" role="status">
            {t('offline')}
          </p>
        )}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div className="field">
            <label htmlFor="login-email">{t('email')}</label>
            <input
              ref={emailRef}
              id="login-email"
              data-testid="login-email"
              type="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={missing.email || undefined}
              aria-describedby={missing.email ? 'login-email-error' : undefined}
            />
            {missing.email && <p className="field-error" id="login-email-error">{t('emailMissing')}</p>}
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('password')}</label>
            <input
              ref={passwordRef}
              id="login-password"
              data-testid="login-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={missing.password || undefined}
              aria-describedby={missing.password ? 'login-password-error' : undefined}
            />
            {missing.password && <p className="field-error" id="login-password-error">{t('passwordMissing')}</p>}
          </div>
          {failure && (
            <p ref={errorRef} tabIndex={-1} className={`banner ${failure.kind === 'offline' ? 'offline' : 'error'}`} role="alert" style={{ margin: '0 0 0.85rem' }}>
              {loginFailureText(failure, t)}
            </p>
          )}
          <button type="submit" data-testid="login-submit" disabled={busy}>
            {busy ? t('submitting') : t('submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
