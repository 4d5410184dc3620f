'use client';
// Says that what was typed before a reload or a closed tab is back, with a way to throw it away.
import { useTranslation } from 'react-i18next';

export function DraftNotice({ onDiscard }: { readonly onDiscard: () => void }) {
  const { t } = useTranslation('forms');
  return (
    <div className="banner info row between" role="status" data-testid="draft-restored">
      <span>{t('draft.restored')}</span>
      <button type="button" className="secondary small" data-testid="discard-draft" onClick={onDiscard}>
        {t('draft.discard')}
      </button>
    </div>
  );
}
