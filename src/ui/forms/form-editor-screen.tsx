'use client';
// The form editor, for coordinators and admins: the forms stored on the device, and for a new
// form or the next version of one, its questions (add, order, edit, choices, show-if), a
// preview as a field worker will see it, and publishing (online), which the server checks again.
import { useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Form } from '@/protocol/forms';
import { useEngine } from '../engine-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { href } from '../routes';
import type { Session } from '../session';
import { type EditorState, editorState, step, toDefinition } from './editor-state';
import { FormPreview } from './form-preview';
import { PublishError, publishForm } from './publish';
import { QUESTION_TYPES, type QuestionType } from '@/protocol/forms';
import { QuestionEditor } from './question-editor';
import { num } from './num';

export interface FormEditorScreenProps {
  readonly session: Session;
  readonly online: boolean;
  /** null: the list of forms; "new": a new form; else the form to publish a new version of. */
  readonly formId: string | null;
  readonly onUnauthorized: () => void;
}

function latestVersions(forms: readonly Form[]): Form[] {
  const latest = new Map<string, Form>();
  for (const f of forms) if ((latest.get(f.id)?.version ?? 0) < f.version) latest.set(f.id, f);
  return [...latest.values()].sort((a, b) => a.title.localeCompare(b.title));
}

export function FormEditorScreen(p: FormEditorScreenProps) {
  const { t, i18n } = useTranslation('forms');
  const engine = useEngine();
  const forms = useLiveQuery(async () => latestVersions(await engine.db.forms.toArray()), [engine]);
  if (p.session.user.role === 'field_worker') return <p className="empty">{t('editor.notAllowed')}</p>;
  if (forms === undefined) return <p className="empty">{t('loading')}</p>;
  if (p.formId === null) {
    return (
      <section className="section" aria-labelledby="forms-h">
        <div className="row between">
          <h1 id="forms-h">{t('editor.listHeading')}</h1>
          <a className="button" href={href({ name: 'form-editor', formId: 'new' })} data-testid="new-form">
            {t('editor.newForm')}
          </a>
        </div>
        <ul className="list">
          {forms.map((f) => (
            <li key={f.id} className="row between" data-testid="editor-form-item" data-form-id={f.id}>
              <span>
                <span className="title" dir="auto">
                  {f.title}
                </span>{' '}
                <span className="muted">{t('picker.version', { version: num(i18n.language, f.version), count: f.definition.questions.length })}</span>
              </span>
              <a className="button secondary small" href={href({ name: 'form-editor', formId: f.id })} data-testid="edit-form">
                {t('editor.newVersion')}
              </a>
            </li>
          ))}
        </ul>
      </section>
    );
  }
  const base = p.formId === 'new' ? null : (forms.find((f) => f.id === p.formId) ?? null);
  if (p.formId !== 'new' && !base) return <p className="empty">{t('editor.unknownForm')}</p>;
  return <FormEditor key={p.formId} {...p} base={base} />;
}

function FormEditor({ session, online, onUnauthorized, base }: FormEditorScreenProps & { readonly base: Form | null }) {
  const { t, i18n } = useTranslation('forms');
  const engine = useEngine();
  const entities = useLiveQuery(() => engine.listEntities(), [engine]);
  const [state, dispatch] = useReducer(step, base, (b): EditorState => {
    const s = editorState(b);
    // A coordinator publishes only for their sites: a new form starts with all of them.
    return b === null && session.user.role !== 'admin' ? { ...s, entityIds: [] } : s;
  });
  const [addType, setAddType] = useState<QuestionType>('text');
  const [preview, setPreview] = useState(false);
  const [problem, setProblem] = useState<{ index: number | null; text: string } | null>(null);
  const [result, setResult] = useState<{ kind: 'published'; form: Form } | { kind: 'failed'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const siteIds = state.entityIds === null ? null : state.entityIds.length === 0 && base === null ? (entities ?? []).map((e) => e.id) : state.entityIds;

  async function publish() {
    setResult(null);
    const title = state.title.trim();
    if (!title) return setProblem({ index: null, text: t('editor.needTitle') });
    if (state.questions.length === 0) return setProblem({ index: null, text: t('editor.needQuestion') });
    const check = toDefinition(state.questions);
    if (!check.ok) return setProblem({ index: check.problem.index, text: `${check.problem.field ? `${check.problem.field}: ` : ''}${check.problem.message}` });
    if (siteIds !== null && siteIds.length === 0) return setProblem({ index: null, text: t('editor.needSite') });
    setProblem(null);
    setBusy(true);
    try {
      const form = await publishForm(session.token, { ...(state.formId ? { id: state.formId } : {}), title, entityIds: siteIds === null ? null : [...siteIds], definition: check.definition });
      // The device's copy follows at once, so the new version is offered here too.
      await engine.db.forms.put(form);
      setResult({ kind: 'published', form });
    } catch (e) {
      if (e instanceof PublishError && e.status === 401) onUnauthorized();
      setResult({
        kind: 'failed',
        text:
          e instanceof PublishError && e.status === null ? t('editor.offline')
          : e instanceof PublishError && e.code === 'FORBIDDEN' ? t('editor.forbidden')
          : t('editor.refused', { reason: e instanceof Error ? e.message : String(e) }),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="section form-editor" aria-labelledby="editor-h">
      <nav className="breadcrumb" aria-label={t('editor.breadcrumb')}>
        <a href={href({ name: 'form-editor', formId: null })}>{t('editor.listHeading')}</a>
      </nav>
      <h1 id="editor-h" tabIndex={-1}>
        {base ? t('editor.headingVersion', { title: base.title, version: num(i18n.language, base.version + 1) }) : t('editor.headingNew')}
      </h1>
      <div className="field">
        <label htmlFor="editor-title">{t('editor.title')}</label>
        <input id="editor-title" data-testid="editor-title" dir="auto" value={state.title} onChange={(e) => dispatch({ kind: 'title', title: e.target.value })} />
      </div>
      <fieldset>
        <legend>{t('editor.sites')}</legend>
        {session.user.role === 'admin' && (
          <label className="choice">
            <input type="checkbox" checked={state.entityIds === null} onChange={(e) => dispatch({ kind: 'sites', entityIds: e.target.checked ? null : (entities ?? []).map((x) => x.id) })} />
            {t('editor.everySite')}
          </label>
        )}
        {state.entityIds !== null &&
          (entities ?? []).map((en) => (
            <label className="choice" key={en.id}>
              <input
                type="checkbox"
                checked={(siteIds ?? []).includes(en.id)}
                onChange={(e) => dispatch({ kind: 'sites', entityIds: e.target.checked ? [...(siteIds ?? []), en.id] : (siteIds ?? []).filter((x) => x !== en.id) })}
              />
              <span dir="auto">{en.name}</span>
            </label>
          ))}
      </fieldset>
      <ol className="editor-questions">
        {state.questions.map((q, i) => (
          <QuestionEditor
            key={i}
            index={i}
            count={state.questions.length}
            question={q}
            earlier={state.questions.slice(0, i)}
            dispatch={dispatch}
            problem={problem?.index === i ? problem.text : undefined}
          />
        ))}
      </ol>
      <div className="row">
        <label htmlFor="editor-add-type">{t('editor.addType')}</label>
        <select id="editor-add-type" data-testid="editor-add-type" value={addType} onChange={(e) => setAddType(e.target.value as QuestionType)}>
          {QUESTION_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`types.${ty}`)}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" data-testid="editor-add" onClick={() => dispatch({ kind: 'add', type: addType })}>
          {t('editor.add')}
        </button>
      </div>
      {problem && problem.index === null && (
        <p className="banner error" role="alert" data-testid="editor-problem">
          {problem.text}
        </p>
      )}
      {result?.kind === 'failed' && (
        <p className="banner error" role="alert" data-testid="publish-failed">
          {result.text}
        </p>
      )}
      {result?.kind === 'published' && (
        <p className="banner info" role="status" data-testid="publish-done">
          {t('editor.published', { title: result.form.title, version: num(i18n.language, result.form.version) })}
        </p>
      )}
      <div className="row">
        <button type="button" className="secondary" data-testid="editor-preview" aria-pressed={preview} onClick={() => setPreview((v) => !v)}>
          {preview ? t('editor.hidePreview') : t('editor.preview')}
        </button>
        <button type="button" data-testid="editor-publish" disabled={busy || !online} onClick={() => void publish()}>
          {t('editor.publish')}
        </button>
      </div>
      {!online && <p className="hint">{t('editor.needsConnection')}</p>}
      {preview && <FormPreview questions={state.questions} />}
    </section>
  );
}
