'use client';
// A form-based assessment's answers for reading: each question's label (not its key) and the
// answer, in the form's order; hidden or unanswered questions are left out.
import { useTranslation } from 'react-i18next';
import type { Form } from '@/protocol/forms';
import { answerText } from './answer-text';
import { num } from './num';

export function FormAnswers({ form, answers }: { readonly form: Form | null; readonly answers: Readonly<Record<string, unknown>> }) {
  const { t, i18n } = useTranslation('forms');
  if (!form) {
    // The version is not on this device (yet): the answers by key, rather than nothing.
    return (
      <>
        <p className="hint">{t('answers.formMissing')}</p>
        <dl data-testid="form-answers">
          {Object.entries(answers).map(([k, v]) => (
            <div key={k} className="answer-row">
              <dt className="muted">{k}</dt>
              <dd dir="auto">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      </>
    );
  }
  const rows = form.definition.questions.filter((q) => Object.hasOwn(answers, q.id));
  return (
    <>
      <p className="muted">{t('fill.version', { title: form.title, version: num(i18n.language, form.version) })}</p>
      {rows.length === 0 ? (
        <p className="empty">{t('answers.none')}</p>
      ) : (
        <dl data-testid="form-answers">
          {rows.map((q) => (
            <div key={q.id} className="answer-row" data-testid="form-answer" data-question-id={q.id}>
              <dt className="muted" dir="auto">
                {q.label}
              </dt>
              <dd dir="auto">{answerText(q, answers[q.id], t, i18n.language)}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}
