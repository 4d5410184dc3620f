'use client';
// The users part of the admin console: the list (name, email, role, active, sites), a form to
// add a user, and for each user an editor (admin-user-editor.tsx). Read-only for coordinators.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUser } from '@/protocol/admin';
import { ROLES, type Role } from '@/protocol/auth';
import type { Entity } from '@/protocol/pull';
import type { AdminApi } from '../admin-api';
import { useToast } from '../components/toast';
import { AdminUserEditor } from './admin-user-editor';

export interface AdminPartProps {
  readonly entities: Entity[];
  readonly editable: boolean;
  readonly api: AdminApi;
  readonly onChanged: () => Promise<void>;
  readonly onError: (e: unknown) => void;
}

export function AdminUsers({ users, selfId, ...props }: AdminPartProps & { readonly users: AdminUser[]; readonly selfId: string }) {
  const { t } = useTranslation('admin');
  const { t: tc, i18n } = useTranslation('common');
  const [open, setOpen] = useState<string | null>(null);
  const names = new Map(props.entities.map((e) => [e.id, e.name]));
  return (
    <section className="section" aria-labelledby="admin-users-heading">
      <h2 id="admin-users-heading">{t('users.heading')}</h2>
      {props.editable && <AddUser {...props} />}
      {users.length === 0 && <p className="empty">{t('users.empty')}</p>}
      <ul className="list" data-testid="admin-users">
        {users.map((u) => (
          <li key={u.id} data-testid="admin-user" data-email={u.email} data-active={u.active} data-role={u.role}>
            <div className="row between" style={{ padding: '0.6rem 0' }}>
              <div>
                <div className="title">
                  <span dir="auto">{u.name}</span> {!u.active && <span className="badge rejected">{t('users.deactivated')}</span>}
                </div>
                <div className="muted">
                  <span dir="ltr">{u.email}</span> · {tc(`role.${u.role}`)} ·{' '}
                  <span data-testid="admin-user-sites" dir="auto">
                    {u.role === 'admin' ? t('users.allSites') : new Intl.ListFormat(i18n.language, { style: 'short', type: 'unit' }).format(u.entityIds.map((id) => names.get(id) ?? id)) || t('users.noSites')}
                  </span>
                </div>
              </div>
              {props.editable && (
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={open === u.id}
                  aria-controls={`admin-user-${u.id}`}
                  data-testid="admin-user-manage"
                  onClick={() => setOpen(open === u.id ? null : u.id)}
                >
                  {open === u.id ? tc('close') : t('users.manage')}
                  <span className="visually-hidden" dir="auto">
                    {' '}
                    {u.name}
                  </span>
                </button>
              )}
            </div>
            {props.editable && open === u.id && <AdminUserEditor id={`admin-user-${u.id}`} user={u} self={u.id === selfId} {...props} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AddUser({ api, onChanged, onError }: AdminPartProps) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const toast = useToast();
  const [form, setForm] = useState({ email: '', name: '', role: 'field_worker' as Role, password: '' });
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const user = await api.createUser(form);
      toast(t('users.added', { name: user.name }));
      setForm({ email: '', name: '', role: 'field_worker', password: '' });
      await onChanged();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="field">
      <summary className="button secondary" data-testid="admin-add-user">
        {t('users.add')}
      </summary>
      <form onSubmit={(e) => void submit(e)} style={{ marginTop: '0.75rem' }}>
        <div className="field">
          <label htmlFor="new-user-email">{t('email')}</label>
          <input id="new-user-email" data-testid="new-user-email" type="email" required autoComplete="off" value={form.email} onChange={set('email')} />
        </div>
        <div className="field">
          <label htmlFor="new-user-name">{t('name')}</label>
          <input id="new-user-name" data-testid="new-user-name" type="text" dir="auto" required value={form.name} onChange={set('name')} />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">{t('role')}</label>
          <select id="new-user-role" data-testid="new-user-role" value={form.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tc(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-user-password">{t('password')}</label>
          <input id="new-user-password" data-testid="new-user-password" type="password" required minLength={8} autoComplete="new-password" value={form.password} onChange={set('password')} aria-describedby="new-user-password-hint" />
          <p className="hint" id="new-user-password-hint">
            {t('users.passwordHint')}
          </p>
        </div>
        <button type="submit" data-testid="new-user-submit" disabled={busy}>
          {busy ? t('adding') : t('users.submit')}
        </button>
      </form>
    </details>
  );
}
