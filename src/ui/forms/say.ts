'use client';
// The free-form checks' messages (ui/forms.ts) in the user's language.
import { useTranslation } from 'react-i18next';
import type { Say } from '../forms';

export function useSay(): Say {
  const { t, i18n } = useTranslation('forms');
  const n = (v: number | undefined) => new Intl.NumberFormat(i18n.language).format(v ?? 0);
  return (m, max) => {
    switch (m) {
      case 'needTitle':
        return t('check.needTitle');
      case 'needQuestion':
        return t('check.needQuestion');
      case 'needRespondent':
        return t('check.needRespondent');
      case 'tooLong':
        return t('check.tooLong', { max: n(max) });
      case 'tooManyAnswers':
        return t('check.tooManyAnswers', { max: n(max) });
      case 'assessmentTooLarge':
        return t('check.assessmentTooLarge');
      case 'responseTooLarge':
        return t('check.responseTooLarge');
    }
  };
}
