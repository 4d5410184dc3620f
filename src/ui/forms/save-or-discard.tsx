'use client';
// The Save and Cancel of every form. Cancel is the user throwing away what was typed: it asks
// first (when something changed) and clears the draft; leaving by a link keeps the draft.
import { useTranslation } from 'react-i18next';

export interface SaveOrDiscardProps {
  readonly saveTestId: string;
  readonly cancelTestId?: string;
  readonly busy: boolean;
  /** The form's leave guard: true when the user may leave. */
  readonly confirmLeave: (question?: string) => boolean;
  /** Clears the draft, then leaves the form. */
  readonly discard: () => Promise<void>;
}

export function SaveOrDiscard({ saveTestId, cancelTestId, busy, confirmLeave, discard }: SaveOrDiscardProps) {
  const { t } = useTranslation('forms');
  return (
    <div className="row">
      <button type="submit" data-testid={saveTestId} disabled={busy}>
        {t('save')}
      </button>
      <button
        type="button"
        className="secondary"
        data-testid={cancelTestId}
        onClick={() => {
          if (!confirmLeave(t('leave.discard'))) return;
          void discard();
        }}
      >
        {t('cancel')}
      </button>
    </div>
  );
}
