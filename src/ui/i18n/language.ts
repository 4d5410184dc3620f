// Which language the app speaks: the one the user picked on this device, else the first of the
// browser's languages we have, else English. Pure.
import { LANGUAGES, type Language } from './resources';

export const LANGUAGE_KEY = 'fieldsync.language';

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

export function pickLanguage(stored: string | null, browser: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** Arabic is written right to left; the others left to right. */
export function direction(lang: Language): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}
