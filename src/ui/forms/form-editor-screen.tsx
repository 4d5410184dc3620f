'use client';
// The form editor, for coordinators and admins: the forms stored on the device, and for a new
// form or the next version of one, its questions (add, order, edit, choices, show-if), a
// preview as a field worker will see it, and publishing (online), which the server checks again.
// What is edited is kept as a draft on the device until it is published, like any other form
// (use-draft.ts), and leaving it changed asks first.
import { useEffect, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { draftKey } from '@/client';
import type { Form } from '@/protocol/forms';
import { useEngine } from '../engine-context';
import { type Draft, useDraft } from '../hooks/use-draft';
import { useLiveQuery } from '../hooks/use-live-query';
import { href } from '../routes';
import type { Session } from '../session';
import { DraftNotice } from './draft-notice';
import { type EditorState, editorState, step, toDefinition } from './editor-state';
import { FormPreview } from './form-preview';
import { PublishError, publishForm } from './publish';
import { QUESTION_TYPES, type QuestionType } from '@/protocol/forms';
import { QuestionEditor } from './question-editor';
import { useLeaveGuard } from './use-leave-guard';
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
  return <FormEditorDraft key={p.formId} {...p} base={base} />;
}

type EditorProps = FormEditorScreenProps & { readonly base: Form | null };

/** The editor's starting state for a form (null: a new one), before any draft. */
function startState(base: Form | null, role: Session['user']['role']): EditorState {
  const s = editorState(base);
  // A coordinator publishes only for their sites: a new form starts with all of them.
  return base === null && role !== 'admin' ? { ...s, entityIds: [] } : s;
}

/** Loads the draft of this form's next version (or of a new form) before the editor shows. */
function FormEditorDraft(p: EditorProps) {
  const { t } = useTranslation('forms');
  const draft = useDraft<EditorState>(draftKey({ kind: 'form-editor', formId: p.base?.id ?? null }), startState(p.base, p.session.user.role));
  if (draft.state.kind === 'loading') return <p className="empty">{t('loading')}</p>;
  return <FormEditor key={draft.state.generation} {...p} start={draft.state.start} restored={draft.state.restored} draft={draft} />;
}

function FormEditor({ session, online, onUnauthorized, base, start, restored, draft }: EditorProps & { readonly start: EditorState; readonly restored: boolean; readonly draft: Draft<EditorState> }) {
  const { t, i18n } = useTranslation('forms');
  const engine = useEngine();
  const entities = useLiveQuery(() => engine.listEntities(), [engine]);
  const [state, dispatch] = useReducer(step, start);
  const [addType, setAddType] = useState<QuestionType>('text');
  const [preview, setPreview] = useState(false);
  const [problem, setProblem] = useState<{ index: number | null; text: string } | null>(null);
  const [result, setResult] = useState<{ kind: 'published'; form: Form } | { kind: 'failed'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [published, setPublished] = useState(false);
  const guard = useLeaveGuard(!published && (restored || state !== start), t('leave.question'));
  const { keep } = draft;
  useEffect(() => {
    if (state !== start) keep(state);
  }, [state, start, keep]);
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
      // Published: nothing is left to keep or to ask about.
      guard.release();
      setPublished(true);
      await draft.clear();
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
      {restored && !published && <DraftNotice onDiscard={draft.discard} />}
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
