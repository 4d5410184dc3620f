'use client';
// #/reference: loads the OpenAPI document from the server and shows it (api-reference.tsx).
// Open to anyone, signed in or not: it describes the API, nothing of anyone's data.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiReference, type OpenApiLike } from './api-reference';

/** The `op` of `#/reference?op=…`: the operation to scroll to. */
function operationInHash(): string | null {
  const query = window.location.hash.split('?')[1];
  return query ? new URLSearchParams(query).get('op') : null;
}

export function ApiReferenceScreen() {
  const { t } = useTranslation('common');
  const [doc, setDoc] = useState<OpenApiLike | null>(null);
  const [error, setError] = useState(false);

  useEffect(() => {
    let cancelled = false;
    fetch('/api/v1/openapi.json').then(
      async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as OpenApiLike;
        if (!cancelled) setDoc(body);
      },
    ).catch(() => !cancelled && setError(true));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!doc) return;
    const show = () => {
      const id = operationInHash();
      const el = id ? document.getElementById(id) : null;
      el?.scrollIntoView();
      el?.focus({ preventScroll: true });
    };
    show();
    window.addEventListener('hashchange', show);
    return () => window.removeEventListener('hashchange', show);
  }, [doc]);

  if (error)
    return (
      <main className="login">
        <p className="banner error" role="alert">
          {t('reference.offline')}
        </p>
      </main>
    );
  if (!doc)
    return (
      <main className="login" aria-busy="true">
        <p className="muted">{t('reference.loading')}</p>
      </main>
    );
  return (
    // The reference is the API's own English text, whatever the app's language.
    <main className="app" data-testid="api-reference" lang="en" dir="ltr">
      <ApiReference document={doc} />
    </main>
  );
}
