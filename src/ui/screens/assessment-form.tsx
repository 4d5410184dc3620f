'use client';
// Create or edit a free-form assessment: a title and question and answer pairs. Checked before
// saving (forms.ts); a save writes to the device at once, online or not. What is typed is kept
// as a draft on the device until saved (use-draft.ts), and leaving a changed form asks first.
import { type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, type AssessmentData, LIMITS, validateAssessment } from '../forms';
import { CharCounter } from '../forms/char-counter';
import { DraftNotice } from '../forms/draft-notice';
import { useSay } from '../forms/say';
import { useLeaveGuard } from '../forms/use-leave-guard';
import { SaveOrDiscard } from '../forms/save-or-discard';
import { useCheckedSubmit } from '../hooks/use-checked-submit';
import { useDraft } from '../hooks/use-draft';
import { href, type Route } from '../routes';
import { num } from '../forms/num';

export interface AssessmentFormProps {
  readonly heading: string;
  /** Shown under the heading (the forms a new assessment can start from). */
  readonly intro?: ReactNode;
  readonly initial: AssessmentData;
  readonly draftKey: string;
  /** Writes on the device; resolves with the screen to show after saving. */
  readonly onSave: (data: AssessmentData) => Promise<Route>;
  readonly onCancel: () => void;
}

const blank = (): Answer => ({ question: '', answer: '' });

export function AssessmentForm(p: AssessmentFormProps) {
  const { t } = useTranslation('forms');
  const start: AssessmentData = { title: p.initial.title, answers: p.initial.answers.length ? [...p.initial.answers] : [blank()] };
  const draft = useDraft<AssessmentData>(p.draftKey, start);
  if (draft.state.kind === 'loading') return <p className="empty">{t('loading')}</p>;
  return <AssessmentFormBody key={draft.state.generation} {...p} start={draft.state.start} restored={draft.state.restored} draft={draft} />;
}

interface BodyProps extends AssessmentFormProps {
  readonly start: AssessmentData;
  readonly restored: boolean;
  readonly draft: ReturnType<typeof useDraft<AssessmentData>>;
}

function AssessmentFormBody({ heading, intro, start, restored, draft, onSave, onCancel }: BodyProps) {
  const { t, i18n } = useTranslation('forms');
  const say = useSay();
  const [title, setTitle] = useState(start.title);
  const [answers, setAnswers] = useState<readonly Answer[]>(start.answers);
  const changed = restored || title !== start.title || answers !== start.answers;
  const guard = useLeaveGuard(changed, t('leave.question'));
  const { errors, busy, formRef, onSubmit } = useCheckedSubmit(
    () => validateAssessment({ title, answers }, say),
    async (data) => {
      const next = await onSave(data);
      guard.release();
      await draft.clear();
      // Replaces the form's history entry: Back then shows what came before, not an empty form.
      window.location.replace(href(next));
    },
  );
  const id = useId();
  const { keep } = draft;
  const touched = title !== start.title || answers !== start.answers;

  useEffect(() => {
    if (touched) keep({ title, answers });
  }, [title, answers, touched, keep]);

  function setAnswer(i: number, patch: Partial<Answer>) {
    setAnswers((list) => list.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  }

  const err = (key: string) => errors[key];
  const describe = (...ids: Array<string | false | undefined>) => ids.filter(Boolean).join(' ') || undefined;
  return (
    <form ref={formRef} className="section" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h1 id={`${id}-h`}>{heading}</h1>
      {intro}
      {intro && <h2>{t('free.orFreeForm')}</h2>}
      {restored && <DraftNotice onDiscard={draft.discard} />}
      <div className="field">
        <label htmlFor={`${id}-title`}>{t('free.title')}</label>
        <input
          id={`${id}-title`}
          data-testid="assessment-title"
          type="text"
          dir="auto"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={err('title') ? true : undefined}
          aria-describedby={describe(err('title') && `${id}-title-err`, `${id}-title-count`)}
          required
        />
        <CharCounter id={`${id}-title-count`} value={title} max={LIMITS.title} />
        {err('title') && (
          <p className="field-error" id={`${id}-title-err`}>
            {err('title')}
          </p>
        )}
      </div>
      <fieldset>
        <legend>{t('free.answers')}</legend>
        {answers.map((a, i) => (
          <div className="answer" key={i}>
            <div className="field">
              <label htmlFor={`${id}-q${i}`}>{t('free.question', { n: num(i18n.language, i + 1) })}</label>
              <input
                id={`${id}-q${i}`}
                data-testid="answer-question"
                type="text"
                dir="auto"
                value={a.question}
                onChange={(e) => setAnswer(i, { question: e.target.value })}
                aria-invalid={err(`answers.${i}.question`) ? true : undefined}
                aria-describedby={err(`answers.${i}.question`) ? `${id}-q${i}-err` : undefined}
              />
              {err(`answers.${i}.question`) && (
                <p className="field-error" id={`${id}-q${i}-err`}>
                  {err(`answers.${i}.question`)}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-a${i}`}>{t('free.answer', { n: num(i18n.language, i + 1) })}</label>
              <textarea
                id={`${id}-a${i}`}
                data-testid="answer-text"
                dir="auto"
                value={a.answer}
                onChange={(e) => setAnswer(i, { answer: e.target.value })}
                aria-invalid={err(`answers.${i}.answer`) ? true : undefined}
                aria-describedby={describe(err(`answers.${i}.answer`) && `${id}-a${i}-err`, `${id}-a${i}-count`)}
              />
              <CharCounter id={`${id}-a${i}-count`} value={a.answer} max={LIMITS.answer} />
              {err(`answers.${i}.answer`) && (
                <p className="field-error" id={`${id}-a${i}-err`}>
                  {err(`answers.${i}.answer`)}
                </p>
              )}
            </div>
            {answers.length > 1 && (
              <button type="button" className="secondary small" onClick={() => setAnswers((l) => l.filter((_, j) => j !== i))}>
                {t('free.removeAnswer', { n: num(i18n.language, i + 1) })}
              </button>
            )}
          </div>
        ))}
        <p style={{ marginTop: '0.75rem' }}>
          <button type="button" className="secondary small" onClick={() => setAnswers((l) => [...l, blank()])}>
            {t('free.addAnswer')}
          </button>
        </p>
        {err('answers') && <p className="field-error">{err('answers')}</p>}
      </fieldset>
      {err('form') && (
        <p className="banner error" role="alert" style={{ margin: '0 0 0.85rem' }}>
          {err('form')}
        </p>
      )}
      <SaveOrDiscard saveTestId="assessment-save" busy={busy} confirmLeave={guard.confirmLeave} discard={() => draft.clear().then(onCancel)} />
      <p className="hint">{t('savedHint')}</p>
    </form>
  );
}
