'use client';
// Create or edit a response under an assessment: who answered, and notes. Kept as a draft on the
// device as it is typed (use-draft.ts); leaving a changed form asks first.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, type ResponseData, validateResponse } from '../forms';
import { CharCounter } from '../forms/char-counter';
import { DraftNotice } from '../forms/draft-notice';
import { useSay } from '../forms/say';
import { useLeaveGuard } from '../forms/use-leave-guard';
import { SaveOrDiscard } from '../forms/save-or-discard';
import { useCheckedSubmit } from '../hooks/use-checked-submit';
import { useDraft } from '../hooks/use-draft';
import { href, type Route } from '../routes';

export interface ResponseFormProps {
  readonly heading: string;
  readonly initial: ResponseData;
  readonly draftKey: string;
  /** Writes on the device; resolves with the screen to show after saving. */
  readonly onSave: (data: ResponseData) => Promise<Route>;
  readonly onCancel: () => void;
}

export function ResponseForm(p: ResponseFormProps) {
  const { t } = useTranslation('forms');
  const draft = useDraft<ResponseData>(p.draftKey, p.initial);
  if (draft.state.kind === 'loading') return <p className="empty">{t('loading')}</p>;
  return <ResponseFormBody key={draft.state.generation} {...p} start={draft.state.start} restored={draft.state.restored} draft={draft} />;
}

interface BodyProps extends ResponseFormProps {
  readonly start: ResponseData;
  readonly restored: boolean;
  readonly draft: ReturnType<typeof useDraft<ResponseData>>;
}

function ResponseFormBody({ heading, start, restored, draft, onSave, onCancel }: BodyProps) {
  const { t } = useTranslation('forms');
  const say = useSay();
  const [respondent, setRespondent] = useState(start.respondent);
  const [notes, setNotes] = useState(start.notes);
  const touched = respondent !== start.respondent || notes !== start.notes;
  const guard = useLeaveGuard(restored || touched, t('leave.question'));
  const { errors, busy, formRef, onSubmit } = useCheckedSubmit(
    () => validateResponse({ assessmentId: start.assessmentId, respondent, notes }, say),
    async (data) => {
      const next = await onSave(data);
      guard.release();
      await draft.clear();
      window.location.replace(href(next));
    },
  );
  const id = useId();
  const { keep } = draft;

  useEffect(() => {
    if (touched) keep({ assessmentId: start.assessmentId, respondent, notes });
  }, [respondent, notes, touched, keep, start.assessmentId]);

  return (
    <form ref={formRef} className="section" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h1 id={`${id}-h`}>{heading}</h1>
      {restored && <DraftNotice onDiscard={draft.discard} />}
      <div className="field">
        <label htmlFor={`${id}-who`}>{t('response.respondent')}</label>
        <input
          id={`${id}-who`}
          data-testid="response-respondent"
          type="text"
          dir="auto"
          value={respondent}
          onChange={(e) => setRespondent(e.target.value)}
          aria-invalid={errors.respondent ? true : undefined}
          aria-describedby={`${errors.respondent ? `${id}-who-err` : `${id}-who-hint`} ${id}-who-count`}
        />
        <CharCounter id={`${id}-who-count`} value={respondent} max={LIMITS.respondent} />
        {errors.respondent ? (
          <p className="field-error" id={`${id}-who-err`}>
            {errors.respondent}
          </p>
        ) : (
          <p className="hint" id={`${id}-who-hint`}>
            {t('response.respondentHint')}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-notes`}>{t('response.notes')}</label>
        <textarea
          id={`${id}-notes`}
          data-testid="response-notes"
          dir="auto"
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          aria-invalid={errors.notes ? true : undefined}
          aria-describedby={`${id}-notes-count`}
        />
        <CharCounter id={`${id}-notes-count`} value={notes} max={LIMITS.notes} />
        {errors.notes && <p className="field-error">{errors.notes}</p>}
      </div>
      {errors.form && (
        <p className="banner error" role="alert" style={{ margin: '0 0 0.85rem' }}>
          {errors.form}
        </p>
      )}
      <SaveOrDiscard saveTestId="response-save" busy={busy} confirmLeave={guard.confirmLeave} discard={() => draft.clear().then(onCancel)} />
    </form>
  );
}
