'use client';
// The language picker: every language named in itself, the choice remembered on this device.
import { useTranslation } from 'react-i18next';
import { applyLanguage } from '../i18n';
import { isLanguage } from '../i18n/language';
import { LANGUAGE_NAMES, LANGUAGES } from '../i18n/resources';

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang-select">
      <span className="visually-hidden">{t('language')}</span>
      <select
        data-testid="lang-select"
        value={i18n.language}
        onChange={(e) => {
          if (isLanguage(e.target.value)) void applyLanguage(e.target.value, true);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
