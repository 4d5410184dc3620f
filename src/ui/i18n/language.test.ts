import { describe, expect, it } from 'vitest';
import { direction, pickLanguage } from './language';

describe('pickLanguage', () => {
  it('keeps the language picked on this device over the browser’s', () => {
    expect(pickLanguage('ar', ['fr-FR', 'en'])).toBe('ar');
  });
  it('takes the first browser language it has, by its base tag', () => {
    expect(pickLanguage(null, ['de-DE', 'es-419', 'fr'])).toBe('es');
  });
  it('ignores a stored value that is not one of its languages', () => {
    expect(pickLanguage('xx', ['fr-CA'])).toBe('fr');
  });
  it('falls back to English', () => {
    expect(pickLanguage(null, ['de', 'ja'])).toBe('en');
  });
});

describe('direction', () => {
  it('is right to left for Arabic only', () => {
    expect(direction('ar')).toBe('rtl');
    expect(['en', 'fr', 'es'].map((l) => direction(l as 'en'))).toEqual(['ltr', 'ltr', 'ltr']);
  });
});
