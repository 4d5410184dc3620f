'use client';
// #/reference: loads the OpenAPI document from the server and shows it (api-reference.tsx).
// Open to anyone, signed in or not: it describes the API, nothing of anyone's data.
import { useEffect, useState } from 'react';
import { ApiReference, type OpenApiLike } from './api-reference';

/** The `op` of `#/reference?op=…`: the operation to scroll to. */
function operationInHash(): string | null {
  const query = window.location.hash.split('?')[1];
  return query ? new URLSearchParams(query).get('op') : null;
}

export function ApiReferenceScreen() {
  const [doc, setDoc] = useState<OpenApiLike | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    fetch('/api/v1/openapi.json').then(
      async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as OpenApiLike;
        if (!cancelled) setDoc(body);
      },
    ).catch(() => !cancelled && setError('The API reference needs a connection to the server.'));
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
          {error}
        </p>
      </main>
    );
  if (!doc)
    return (
      <main className="login" aria-busy="true">
        <p className="muted">Loading the API reference…</p>
      </main>
    );
  return (
    <main className="app" data-testid="api-reference">
      <ApiReference document={doc} />
    </main>
  );
}
