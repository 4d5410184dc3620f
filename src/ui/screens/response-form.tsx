'use client';
// Create or edit a response under an assessment: who answered, and notes.
import { useId, useState } from 'react';
import { type ResponseData, validateResponse } from '../forms';
import { useCheckedSubmit } from '../hooks/use-checked-submit';

export interface ResponseFormProps {
  readonly heading: string;
  readonly initial: ResponseData;
  readonly onSave: (data: ResponseData) => Promise<void>;
  readonly onCancel: () => void;
}

export function ResponseForm({ heading, initial, onSave, onCancel }: ResponseFormProps) {
  const [respondent, setRespondent] = useState(initial.respondent);
  const [notes, setNotes] = useState(initial.notes);
  const { errors, busy, formRef, onSubmit } = useCheckedSubmit(
    () => validateResponse({ assessmentId: initial.assessmentId, respondent, notes }),
    onSave,
  );
  const id = useId();

  return (
    <form ref={formRef} className="section" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h1 id={`${id}-h`}>{heading}</h1>
      <div className="field">
        <label htmlFor={`${id}-who`}>Respondent</label>
        <input
          id={`${id}-who`}
          data-testid="response-respondent"
          type="text"
          value={respondent}
          onChange={(e) => setRespondent(e.target.value)}
          aria-invalid={errors.respondent ? true : undefined}
          aria-describedby={errors.respondent ? `${id}-who-err` : `${id}-who-hint`}
        />
        {errors.respondent ? (
          <p className="field-error" id={`${id}-who-err`}>
            {errors.respondent}
          </p>
        ) : (
          <p className="hint" id={`${id}-who-hint`}>
            A household, person or group.
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea id={`${id}-notes`} data-testid="response-notes" value={notes} onChange={(e) => setNotes(e.target.value)} aria-invalid={errors.notes ? true : undefined} />
        {errors.notes && <p className="field-error">{errors.notes}</p>}
      </div>
      {errors.form && (
        <p className="banner error" role="alert" style={{ margin: '0 0 0.85rem' }}>
          {errors.form}
        </p>
      )}
      <div className="row">
        <button type="submit" data-testid="response-save" disabled={busy}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
