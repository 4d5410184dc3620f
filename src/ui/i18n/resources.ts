// Every catalogue of every language, bundled: the app works offline from its first load, so no
// language may be fetched later. One namespace per part of the app, one file per namespace.
import { admin as arAdmin } from './ar/admin';
import { auth as arAuth } from './ar/auth';
import { common as arCommon } from './ar/common';
import { conflicts as arConflicts } from './ar/conflicts';
import { forms as arForms } from './ar/forms';
import { lists as arLists } from './ar/lists';
import { media as arMedia } from './ar/media';
import { states as arStates } from './ar/states';
import { admin } from './en/admin';
import { auth } from './en/auth';
import { common } from './en/common';
import { conflicts } from './en/conflicts';
import { forms } from './en/forms';
import { lists } from './en/lists';
import { media } from './en/media';
import { states } from './en/states';
import { admin as esAdmin } from './es/admin';
import { auth as esAuth } from './es/auth';
import { common as esCommon } from './es/common';
import { conflicts as esConflicts } from './es/conflicts';
import { forms as esForms } from './es/forms';
import { lists as esLists } from './es/lists';
import { media as esMedia } from './es/media';
import { states as esStates } from './es/states';
import { admin as frAdmin } from './fr/admin';
import { auth as frAuth } from './fr/auth';
import { common as frCommon } from './fr/common';
import { conflicts as frConflicts } from './fr/conflicts';
import { forms as frForms } from './fr/forms';
import { lists as frLists } from './fr/lists';
import { media as frMedia } from './fr/media';
import { states as frStates } from './fr/states';

export const en = { common, forms, states, conflicts, lists, admin, media, auth };

export const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, for the language picker. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', es: 'Español', ar: 'العربية' };

export const NAMESPACES = Object.keys(en) as Array<keyof typeof en>;

export const resources: Record<Language, Record<keyof typeof en, Record<string, unknown>>> = {
  en,
  fr: { common: frCommon, forms: frForms, states: frStates, conflicts: frConflicts, lists: frLists, admin: frAdmin, media: frMedia, auth: frAuth },
  es: { common: esCommon, forms: esForms, states: esStates, conflicts: esConflicts, lists: esLists, admin: esAdmin, media: esMedia, auth: esAuth },
  ar: { common: arCommon, forms: arForms, states: arStates, conflicts: arConflicts, lists: arLists, admin: arAdmin, media: arMedia, auth: arAuth },
};
