'use client';
// Filling a form: its shown questions in order (show-if re-evaluated as answers change), a draft
// kept as the user types, and the one check (core/form-validate.ts) before saving: a problem
// shows beside its question and nothing is saved. Hidden questions are neither checked nor saved.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Form, FormProblem } from '@/protocol/forms';
import type { Answers } from '@/core/form-validate';
import { useDraft } from '../hooks/use-draft';
import { leaveAfterSave, useRoute } from '../hooks/use-route';
import { href, type Route } from '../routes';
import { useToast } from '../components/toast';
import { requestBackgroundSync } from '../service-worker';
import { DraftNotice } from './draft-notice';
import { useEngine } from '../engine-context';
import { checkFill, type FillValues, type PhotoItem, pendingPhotos, visibleQuestions, withMediaIds } from './fill-values';
import { problemText } from './problem-text';
import { QuestionField } from './question-field';
import { useLeaveGuard } from './use-leave-guard';
import { SaveOrDiscard } from './save-or-discard';
import { num } from './num';

/**
 * What a draft of a form-based assessment holds: the assessment's id (fixed before the first
 * save, as photos are attached under it) and the form version it was begun on, with the inputs.
 */
export interface FillDraft {
  readonly assessmentId: string;
  readonly formVersion: number;
  readonly values: FillValues;
}

export interface FormFillProps {
  readonly heading: string;
  /** The stored versions of the form: a draft goes on with the version it was begun on. */
  readonly versions: readonly Form[];
  readonly entityId: string;
  readonly draftKey: string;
  readonly initial: FillDraft;
  /** Writes the answers on the device; resolves with the screen to show after saving. */
  readonly onSave: (answers: Answers, form: Form, assessmentId: string) => Promise<Route>;
  readonly onCancel: () => void;
}

export function FormFill(p: FormFillProps) {
  const { t } = useTranslation('forms');
  const draft = useDraft<FillDraft>(p.draftKey, p.initial);
  if (draft.state.kind === 'loading') return <p className="empty">{t('loading')}</p>;
  const start = draft.state.start;
  const form = p.versions.find((f) => f.version === start.formVersion);
  if (!form) return <p className="empty">{t('fill.versionMissing')}</p>;
  return (
    <FormFillBody
      key={draft.state.generation}
      {...p}
      form={form}
      assessmentId={start.assessmentId}
      start={start.values}
      restored={draft.state.restored}
      keep={(values) => draft.keep({ assessmentId: start.assessmentId, formVersion: form.version, values })}
      clear={draft.clear}
      discard={draft.discard}
    />
  );
}

interface BodyProps extends FormFillProps {
  readonly form: Form;
  readonly assessmentId: string;
  readonly start: FillValues;
  readonly restored: boolean;
  readonly keep: (v: FillValues) => void;
  readonly clear: () => Promise<void>;
  readonly discard: () => void;
}

/** The inputs with attached photos' stand-ins replaced by their media records' ids. */
function withAttached(values: FillValues, ids: ReadonlyMap<string, string>): FillValues {
  const out: Record<string, FillValues[string]> = {};
  for (const [qid, v] of Object.entries(values)) {
    out[qid] = Array.isArray(v) ? (v as readonly PhotoItem[]).map((item) => (typeof item === 'string' ? item : (ids.get(item.pendingId) ?? item))) : v;
  }
  return out;
}

function FormFillBody(p: BodyProps) {
  const { t, i18n } = useTranslation('forms');
  const engine = useEngine();
  const toast = useToast();
  const route = useRoute();
  // A new assessment's record is created by the first Save that gets past the check.
  const isNew = route.name === 'new-form-assessment';
  const [values, setValues] = useState<FillValues>(p.start);
  const [problems, setProblems] = useState<readonly FormProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const hid = useId();
  const changed = p.restored || values !== p.start;
  const guard = useLeaveGuard(changed, t('leave.question'));
  const keepRef = useRef(p.keep);
  keepRef.current = p.keep;

  useEffect(() => {
    if (values !== p.start) keepRef.current(values);
  }, [values, p.start]);

  const shown = visibleQuestions(p.form.definition, values);
  const errorOf = (qid: string) => {
    const found = problems.find((x) => x.questionId === qid);
    const q = p.form.definition.questions.find((x) => x.id === qid);
    return found && q ? problemText(q, found, t, i18n.language) : undefined;
  };

  /**
   * The photos picked while filling, attached now that the assessment is saved (a media record's
   * parent must be created first); their ids then replace the stand-ins in the answers. An edit
   * not yet sent merges into the create, so the server sees the final answers at once.
   */
  async function savePhotos() {
    const pending = pendingPhotos(p.form.definition, values);
    if (pending.length === 0) return;
    const ids = new Map<string, string>();
    try {
      for (const photo of pending) {
        const media = await engine.attachFile({ entityId: p.entityId, parentId: p.assessmentId, file: photo.file, fileName: photo.name });
        ids.set(photo.pendingId, media.id);
      }
    } catch (e) {
      // The photos attached before the failure stay attached: the form (and its draft) now holds
      // their ids, so the next Save does not attach them a second time.
      if (ids.size > 0) {
        await putMediaIds(ids);
        setValues((old) => withAttached(old, ids));
      }
      throw e;
    }
    await putMediaIds(ids);
  }

  async function putMediaIds(ids: ReadonlyMap<string, string>) {
    const record = await engine.getRecord(p.assessmentId);
    const answers = record?.data.answers;
    if (!record || typeof answers !== 'object' || answers === null) return;
    await engine.update(p.assessmentId, { ...record.data, answers: withMediaIds(answers as Record<string, unknown>, ids) });
  }

  /**
   * Writes the answers. A new assessment whose record an earlier Save created before failing
   * (on a photo, say) is updated rather than created again, so Save can simply be tried again.
   */
  async function saveAnswers(answers: Answers): Promise<Route> {
    const made = isNew ? await engine.getRecord(p.assessmentId) : undefined;
    if (!made || made.deleted) return p.onSave(answers, p.form, p.assessmentId);
    await engine.update(p.assessmentId, { ...made.data, answers: { ...answers } });
    toast(t('toast.saved'));
    void requestBackgroundSync();
    return { name: 'assessment', assessmentId: p.assessmentId };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const check = checkFill(p.form.definition, values);
    if (!check.ok) {
      setProblems(check.problems);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-testid="question-error"]')?.closest('[data-testid="question"]')?.querySelector<HTMLElement>('input, textarea, select')?.focus());
      return;
    }
    setProblems([]);
    setFailure(null);
    setBusy(true);
    let answersSaved = false;
    try {
      const next = await saveAnswers(check.answers);
      answersSaved = true;
      await savePhotos();
      guard.release();
      await p.clear();
      // The form's history entry gives way to what was saved, and for a new assessment the form
      // picker's too: Back then never opens a form for the same assessment again.
      leaveAfterSave(href(next), isNew ? href({ name: 'new-assessment', entityId: p.entityId }) : undefined);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      setFailure(answersSaved ? t('fill.photoFailed', { reason: reason.replace(/[.!]$/, '') }) : t('saveFailed', { reason }));
      setBusy(false);
    }
  }

  return (
    <form ref={formRef} className="section form-fill" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${hid}-h`} data-testid="form-fill" data-form-id={p.form.id} data-form-version={p.form.version}>
      <h1 id={`${hid}-h`} tabIndex={-1}>
        {p.heading}
      </h1>
      <p className="muted">{t('fill.version', { title: p.form.title, version: num(i18n.language, p.form.version) })}</p>
      {p.restored && <DraftNotice onDiscard={p.discard} />}
      {shown.map((q) => (
        <QuestionField
          key={q.id}
          question={q}
          value={Object.hasOwn(values, q.id) ? values[q.id] : undefined}
          onChange={(v) => setValues((old) => ({ ...old, [q.id]: v }))}
          error={errorOf(q.id)}
        />
      ))}
      {problems.length > 0 && (
        <p className="banner error" role="alert" data-testid="form-problems">
          {t('fill.problems', { count: problems.length })}
        </p>
      )}
      {failure && (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
      <SaveOrDiscard saveTestId="assessment-save" cancelTestId="form-cancel" busy={busy} confirmLeave={guard.confirmLeave} discard={() => p.clear().then(p.onCancel)} />
      <p className="hint">{t('savedHint')}</p>
    </form>
  );
}
