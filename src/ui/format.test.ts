import { describe, expect, it } from 'vitest';
import { hlcTimeIn, numberIn, timeAgoIn, timeUntilIn } from './format';

const now = Date.parse('2026-03-01T12:00:00Z');

describe('times and numbers in the user’s language', () => {
  it('says how long ago in each language', () => {
    expect(timeAgoIn('en', now - 3_000, now)).toBe('now');
    expect(timeAgoIn('en', now - 5 * 60_000, now)).toBe('5 min. ago');
    expect(timeAgoIn('fr', now - 5 * 60_000, now)).toBe('il y a 5\u00a0min');
    expect(timeAgoIn('es', now - 2 * 3_600_000, now)).toBe('hace 2 h');
    expect(timeAgoIn('ar', now - 5 * 60_000, now)).toMatch(/دقائق/);
  });

  it('gives a date, not hours, after a day', () => {
    expect(timeAgoIn('fr', now - 3 * 86_400_000, now)).toBe(new Date(now - 3 * 86_400_000).toLocaleDateString('fr'));
  });

  it('says a wait in seconds, then whole minutes', () => {
    expect(timeUntilIn('en', now + 45_000, now)).toBe('45 sec');
    expect(timeUntilIn('en', now + 125_000, now)).toBe('3 min');
  });

  it('writes numbers and clock stamps as the language does', () => {
    expect(numberIn('fr', 1234.5)).toBe('1\u202f234,5');
    expect(numberIn('en', 1234.5)).toBe('1,234.5');
    expect(hlcTimeIn('en', 'not a stamp')).toBe('not a stamp');
    expect(hlcTimeIn('es', '2026-03-01T12:00:00.000Z-0000-device')).toBe(new Date(now).toLocaleString('es', { dateStyle: 'medium', timeStyle: 'medium' }));
  });
});
