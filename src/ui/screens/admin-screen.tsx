'use client';
// The admin console (#/admin). Admins manage users (create, role, deactivate, reset password),
// sites (create, rename) and who is assigned where; coordinators see the people of their own
// sites, read-only. Online only: it reads and writes the server directly (admin-api.ts).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUser } from '@/protocol/admin';
import type { Entity } from '@/protocol/pull';
import { AdminApiError, adminApi, adminErrorText } from '../admin-api';
import type { Session } from '../session';
import { AdminSites } from './admin-sites';
import { AdminUsers } from './admin-users';

interface Loaded {
  readonly users: AdminUser[];
  readonly entities: Entity[];
  readonly complete: boolean;
}

export function AdminScreen({ session, online, onUnauthorized }: { readonly session: Session; readonly online: boolean; readonly onUnauthorized: () => void }) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const api = useMemo(() => adminApi(session.token), [session.token]);
  const isAdmin = session.user.role === 'admin';
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Shows a failure; a token the server no longer takes asks for a new sign-in. */
  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof AdminApiError && e.code === 'UNAUTHENTICATED') onUnauthorized();
      setError(adminErrorText(e, t));
    },
    [onUnauthorized, t],
  );

  const reload = useCallback(async () => {
    try {
      const [users, entities] = await Promise.all([api.listUsers(), api.listEntities()]);
      setLoaded({ users: users.items, entities: entities.items, complete: users.complete && entities.complete });
      setError(null);
    } catch (e) {
      fail(e);
    }
  }, [api, fail]);

  useEffect(() => {
    if (online && session.user.role !== 'field_worker') void reload();
  }, [online, reload, session.user.role]);

  if (session.user.role === 'field_worker')
    return (
      <section className="section">
        <h1 tabIndex={-1}>{t('title')}</h1>
        <p>{t('fieldWorkersOnly')}</p>
      </section>
    );

  return (
    <div data-testid="admin-console">
      <section className="section">
        <h1 tabIndex={-1}>{isAdmin ? t('title') : t('titleCoordinator')}</h1>
        <p className="muted">
          {isAdmin ? t('introAdmin') : t('introCoordinator')} <a href="#/reference">{tc('reference.title')}</a>
        </p>
        {!online && (
          <p className="banner offline" role="status">
            {t('offline')}
          </p>
        )}
        {error && (
          <p className="banner error row between" role="alert" data-testid="admin-error">
            <span dir="auto">{error}</span>
            <button type="button" className="secondary" onClick={() => void reload()}>
              {tc('retry')}
            </button>
          </p>
        )}
        {loaded && !loaded.complete && <p className="banner info">{t('incomplete')}</p>}
      </section>
      {loaded === null && online && !error && <p className="muted" aria-busy="true">{tc('loading')}</p>}
      {loaded && (
        <>
          <AdminUsers users={loaded.users} entities={loaded.entities} editable={isAdmin} selfId={session.user.id} api={api} onChanged={reload} onError={fail} />
          <AdminSites entities={loaded.entities} editable={isAdmin} api={api} onChanged={reload} onError={fail} />
        </>
      )}
    </div>
  );
}
