'use client';
// The sites (entities) part of the admin console: the list, a form to add one, and renaming.
// Read-only for coordinators, who see their own sites.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Entity } from '@/protocol/pull';
import { useToast } from '../components/toast';
import type { AdminPartProps } from './admin-users';

export function AdminSites(props: AdminPartProps) {
  const { entities, editable } = props;
  const { t } = useTranslation('admin');
  return (
    <section className="section" aria-labelledby="admin-sites-heading">
      <h2 id="admin-sites-heading">{t('sites.heading')}</h2>
      {editable && <AddSite {...props} />}
      {entities.length === 0 && <p className="empty">{t('sites.empty')}</p>}
      <ul className="list" data-testid="admin-sites">
        {entities.map((e) => (
          <li key={e.id} data-testid="admin-site" data-name={e.name}>
            {editable ? <SiteRow entity={e} {...props} /> : <SiteLabel entity={e} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SiteLabel({ entity }: { readonly entity: Entity }) {
  return (
    <div style={{ padding: '0.6rem 0' }}>
      <span className="title" dir="auto">
        {entity.name}
      </span>{' '}
      <span className="muted">
        · <span dir="auto">{entity.kind}</span>
      </span>
    </div>
  );
}

function SiteRow({ entity, api, onChanged, onError }: AdminPartProps & { readonly entity: Entity }) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const toast = useToast();
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = `site-name-${entity.id}`;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (name === null) return;
    setBusy(true);
    try {
      const renamed = await api.renameEntity(entity.id, name);
      toast(t('sites.renamed', { name: renamed.name }));
      setName(null);
      await onChanged();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  }

  if (name === null)
    return (
      <div className="row between" style={{ padding: '0.6rem 0' }}>
        <SiteLabel entity={entity} />
        <button type="button" className="secondary" data-testid="admin-site-rename" onClick={() => setName(entity.name)}>
          {t('sites.rename')}
          <span className="visually-hidden" dir="auto">
            {' '}
            {entity.name}
          </span>
        </button>
      </div>
    );
  return (
    <form className="row" style={{ padding: '0.6rem 0' }} onSubmit={(e) => void save(e)}>
      <label htmlFor={inputId} className="visually-hidden">
        {t('sites.newName', { name: entity.name })}
      </label>
      <input id={inputId} data-testid="admin-site-name" type="text" dir="auto" value={name} onChange={(e) => setName(e.target.value)} style={{ flex: 1 }} autoFocus />
      <button type="submit" data-testid="admin-site-save" disabled={busy}>
        {tc('save')}
      </button>
      <button type="button" className="secondary" onClick={() => setName(null)}>
        {tc('cancel')}
      </button>
    </form>
  );
}

function AddSite({ api, onChanged, onError }: AdminPartProps) {
  const { t } = useTranslation('admin');
  const toast = useToast();
  const [name, setName] = useState('');
  const [kind, setKind] = useState('camp');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const site = await api.createEntity(name, kind);
      toast(t('sites.added', { name: site.name }));
      setName('');
      await onChanged();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <details className="field">
      <summary className="button secondary" data-testid="admin-add-site">
        {t('sites.add')}
      </summary>
      <form onSubmit={(e) => void submit(e)} style={{ marginTop: '0.75rem' }}>
        <div className="field">
          <label htmlFor="new-site-name">{t('name')}</label>
          <input id="new-site-name" data-testid="new-site-name" type="text" dir="auto" required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-site-kind">{t('sites.kind')}</label>
          <input id="new-site-kind" data-testid="new-site-kind" type="text" dir="auto" required value={kind} onChange={(e) => setKind(e.target.value)} aria-describedby="new-site-kind-hint" />
          <p className="hint" id="new-site-kind-hint">
            {t('sites.kindHint')}
          </p>
        </div>
        <button type="submit" data-testid="new-site-submit" disabled={busy}>
          {busy ? t('adding') : t('sites.submit')}
        </button>
      </form>
    </details>
  );
}
