'use client';
// The app's one i18next instance. It starts in English, as the static HTML was rendered, and
// switches to the device's language once the page is running (useLanguage), so hydration matches.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { direction, LANGUAGE_KEY, pickLanguage } from './language';
import { type en, type Language, NAMESPACES, resources } from './resources';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof en;
  }
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr', 'es', 'ar'],
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React escapes
  initAsync: false,
  react: { useSuspense: false },
});

/** The device's language: picked here before, else the browser's. */
export function deviceLanguage(): Language {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    // storage blocked: go by the browser
  }
  return pickLanguage(stored, navigator.languages ?? [navigator.language]);
}

/** Switches the app's language, sets lang and dir on the page, and remembers the choice when asked to. */
export async function applyLanguage(lang: Language, remember: boolean): Promise<void> {
  if (remember) {
    try {
      localStorage.setItem(LANGUAGE_KEY, lang);
    } catch {
      // not remembered; the choice still holds for this page
    }
  }
  document.documentElement.lang = lang;
  document.documentElement.dir = direction(lang);
  await i18n.changeLanguage(lang);
}
