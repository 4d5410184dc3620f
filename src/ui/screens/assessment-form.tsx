'use client';
// Create or edit an assessment: a title and free-form answers (question and answer pairs).
// Checked before saving (forms.ts); a save writes to the device at once, online or not.
import { useId, useState } from 'react';
import { type Answer, type AssessmentData, validateAssessment } from '../forms';
import { useCheckedSubmit } from '../hooks/use-checked-submit';

export interface AssessmentFormProps {
  readonly heading: string;
  readonly initial: AssessmentData;
  readonly onSave: (data: AssessmentData) => Promise<void>;
  readonly onCancel: () => void;
}

const blank = (): Answer => ({ question: '', answer: '' });

export function AssessmentForm({ heading, initial, onSave, onCancel }: AssessmentFormProps) {
  const [title, setTitle] = useState(initial.title);
  const [answers, setAnswers] = useState<Answer[]>(initial.answers.length ? [...initial.answers] : [blank()]);
  const { errors, busy, formRef, onSubmit } = useCheckedSubmit(() => validateAssessment({ title, answers }), onSave);
  const id = useId();

  function setAnswer(i: number, patch: Partial<Answer>) {
    setAnswers((list) => list.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  }

  const err = (key: string) => errors[key];
  return (
    <form ref={formRef} className="section" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h1 id={`${id}-h`}>{heading}</h1>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          data-testid="assessment-title"
          type="text"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={err('title') ? true : undefined}
          aria-describedby={err('title') ? `${id}-title-err` : undefined}
          required
        />
        {err('title') && (
          <p className="field-error" id={`${id}-title-err`}>
            {err('title')}
          </p>
        )}
      </div>
      <fieldset>
        <legend>Answers</legend>
        {answers.map((a, i) => (
          <div className="answer" key={i}>
            <div className="field">
              <label htmlFor={`${id}-q${i}`}>Question {i + 1}</label>
              <input
                id={`${id}-q${i}`}
                data-testid="answer-question"
                type="text"
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
              <label htmlFor={`${id}-a${i}`}>Answer {i + 1}</label>
              <textarea
                id={`${id}-a${i}`}
                data-testid="answer-text"
                value={a.answer}
                onChange={(e) => setAnswer(i, { answer: e.target.value })}
                aria-invalid={err(`answers.${i}.answer`) ? true : undefined}
              />
              {err(`answers.${i}.answer`) && <p className="field-error">{err(`answers.${i}.answer`)}</p>}
            </div>
            {answers.length > 1 && (
              <button type="button" className="secondary small" onClick={() => setAnswers((l) => l.filter((_, j) => j !== i))}>
                Remove answer {i + 1}
              </button>
            )}
          </div>
        ))}
        <p style={{ marginTop: '0.75rem' }}>
          <button type="button" className="secondary small" onClick={() => setAnswers((l) => [...l, blank()])}>
            Add an answer
          </button>
        </p>
        {err('answers') && <p className="field-error">{err('answers')}</p>}
      </fieldset>
      {err('form') && (
        <p className="banner error" role="alert" style={{ margin: '0 0 0.85rem' }}>
          {err('form')}
        </p>
      )}
      <div className="row">
        <button type="submit" data-testid="assessment-save" disabled={busy}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <p className="hint">Saving keeps it on this device at once; it is sent to the server when there is a connection.</p>
    </form>
  );
}
