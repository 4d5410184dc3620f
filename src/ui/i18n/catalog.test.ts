// Every language has every key of the English catalogue, in each of its own plural forms, with
// the same {{placeholders}}, and nothing English does not have.
import { describe, expect, it } from 'vitest';
import { en, LANGUAGES, resources } from './resources';

const PLURAL = /_(zero|one|two|few|many|other)$/;

function leaves(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else if (v && typeof v === 'object') for (const [kk, vv] of leaves(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]).sort();

/** The keys a language must have for one English key: a plural gets each of the language's forms. */
function expectedKeys(key: string, lang: string): string[] {
  if (!PLURAL.test(key)) return [key];
  const base = key.replace(PLURAL, '');
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories.map((c) => `${base}_${c}`);
}

describe('translations', () => {
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    for (const ns of Object.keys(en) as Array<keyof typeof en>) {
      it(`${lang} has every ${ns} key of English, with its placeholders, and no other`, () => {
        const source = leaves(en[ns]);
        const target = leaves(resources[lang][ns]);
        const missing: string[] = [];
        const wrongPlaceholders: string[] = [];
        const expected = new Set<string>();
        for (const [key, text] of source) {
          for (const k of expectedKeys(key, lang)) {
            expected.add(k);
            const t = target.get(k);
            if (t === undefined || t.trim() === '') missing.push(k);
            else if (!PLURAL.test(k) && placeholders(t).join() !== placeholders(text).join()) wrongPlaceholders.push(k);
            else if (PLURAL.test(k) && !placeholders(text).every((p) => p === 'count' || placeholders(t).includes(p))) wrongPlaceholders.push(k);
          }
        }
        const extra = [...target.keys()].filter((k) => !expected.has(k));
        expect({ missing, wrongPlaceholders, extra }).toEqual({ missing: [], wrongPlaceholders: [], extra: [] });
      });
    }
  }

  it('English has both plural forms of every plural key', () => {
    for (const ns of Object.keys(en) as Array<keyof typeof en>) {
      const keys = [...leaves(en[ns]).keys()];
      for (const k of keys.filter((x) => PLURAL.test(x))) {
        const base = k.replace(PLURAL, '');
        expect(keys, `${ns}:${base}`).toEqual(expect.arrayContaining([`${base}_one`, `${base}_other`]));
      }
    }
  });
});
