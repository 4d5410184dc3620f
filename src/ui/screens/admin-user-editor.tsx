'use client';
// One user, as an admin changes them: name and role, sites, password reset, deactivate or
// reactivate. Each part saves on its own, so one refused change does not undo another.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUser, UpdateUserRequest } from '@/protocol/admin';
import { ROLES, type Role } from '@/protocol/auth';
import { useToast } from '../components/toast';
import type { AdminPartProps } from './admin-users';

export function AdminUserEditor({ id, user, self, entities, api, onChanged, onError }: AdminPartProps & { readonly id: string; readonly user: AdminUser; readonly self: boolean }) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [sites, setSites] = useState<Set<string>>(new Set(user.entityIds));
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  /** Runs one change; true when the server took it. */
  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    try {
      await action();
      toast(done);
      await onChanged();
      return true;
    } catch (e) {
      onError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  const update = (body: UpdateUserRequest, done: string) => run(() => api.updateUser(user.id, body), done);

  return (
    <div id={id} className="section" data-testid="admin-user-editor" style={{ marginTop: 0 }}>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void update({ name, role }, t('editor.saved', { name }));
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('name')}</label>
          <input id={`${id}-name`} type="text" dir="auto" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('role')}</label>
          <select id={`${id}-role`} data-testid="admin-user-role" value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={self ? `${id}-self` : undefined}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tc(`role.${r}`)}
              </option>
            ))}
          </select>
          {self && (
            <p className="hint" id={`${id}-self`}>
              {t('editor.selfHint')}
            </p>
          )}
        </div>
        <button type="submit" data-testid="admin-user-save" disabled={busy}>
          {t('editor.saveNameRole')}
        </button>
      </form>

      {user.role !== 'admin' && (
        <fieldset style={{ marginTop: '0.85rem' }}>
          <legend>{t('editor.sites')}</legend>
          {entities.map((e) => (
            <label key={e.id} className="row" style={{ fontWeight: 400, minHeight: 44 }}>
              <input
                type="checkbox"
                data-testid="admin-user-site"
                data-site={e.name}
                checked={sites.has(e.id)}
                onChange={(ev) => {
                  const next = new Set(sites);
                  if (ev.target.checked) next.add(e.id);
                  else next.delete(e.id);
                  setSites(next);
                }}
                style={{ width: 22, height: 22 }}
              />
              <span dir="auto">{e.name}</span>
            </label>
          ))}
          <button type="button" data-testid="admin-user-save-sites" disabled={busy} onClick={() => void run(() => api.assign(user.id, [...sites]), t('editor.sitesSaved', { name: user.name }))}>
            {t('editor.saveSites')}
          </button>
        </fieldset>
      )}

      <form
        className="field"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void update({ password }, t('editor.passwordReset', { name: user.name })).then((ok) => ok && setPassword(''));
        }}
      >
        <label htmlFor={`${id}-password`}>{t('editor.newPassword')}</label>
        <div className="row">
          <input id={`${id}-password`} data-testid="admin-user-password" type="password" autoComplete="new-password" minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} style={{ flex: 1 }} />
          <button type="submit" className="secondary" data-testid="admin-user-reset-password" disabled={busy || password.length === 0}>
            {t('editor.resetPassword')}
          </button>
        </div>
      </form>

      {!self &&
        (user.active ? (
          <button type="button" className="danger" data-testid="admin-user-deactivate" disabled={busy} onClick={() => void update({ active: false }, t('editor.deactivated', { name: user.name }))}>
            {t('editor.deactivate')} <span dir="auto">{user.name}</span>
          </button>
        ) : (
          <button type="button" data-testid="admin-user-reactivate" disabled={busy} onClick={() => void update({ active: true }, t('editor.reactivated', { name: user.name }))}>
            {t('editor.reactivate')} <span dir="auto">{user.name}</span>
          </button>
        ))}
    </div>
  );
}
