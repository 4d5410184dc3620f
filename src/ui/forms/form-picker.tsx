'use client';
// The forms an assessment can start from in a site: the latest version of each form stored on
// the device (so it works offline), each a link to a new assessment on that version.
import { useTranslation } from 'react-i18next';
import { formsForEntity } from '@/client';
import { useEngine } from '../engine-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { href } from '../routes';
import { num } from './num';

export function FormPicker({ entityId }: { readonly entityId: string }) {
  const { t, i18n } = useTranslation('forms');
  const engine = useEngine();
  const forms = useLiveQuery(() => formsForEntity(engine.db, entityId), [engine, entityId]);
  if (forms === undefined) return null;
  return (
    <section className="section form-picker" aria-labelledby="form-picker-h">
      <h2 id="form-picker-h">{t('picker.heading')}</h2>
      {forms.length === 0 ? (
        <p className="empty" data-testid="no-forms">
          {t('picker.none')}
        </p>
      ) : (
        <ul className="list">
          {forms.map((f) => (
            <li key={f.id}>
              <a
                className="button secondary form-option"
                data-testid="form-option"
                data-form-id={f.id}
                data-form-version={f.version}
                href={href({ name: 'new-form-assessment', entityId, formId: f.id })}
              >
                <span dir="auto">{f.title}</span> <span className="muted">{t('picker.version', { version: num(i18n.language, f.version), count: f.definition.questions.length })}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
