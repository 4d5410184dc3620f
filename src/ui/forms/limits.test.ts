import { describe, expect, it } from 'vitest';
import { charCount, counter, overLimit } from './limits';

describe('limits counted in characters', () => {
  it('counts an emoji as one character, as a person would', () => {
    const emoji = '💧'.repeat(30);
    expect(emoji.length).toBe(60);
    expect(charCount(emoji)).toBe(30);
    expect(overLimit(emoji, 30)).toBe(false);
    expect(overLimit(emoji + 'x', 30)).toBe(true);
  });

  it('counts accented and Arabic letters one each', () => {
    expect(charCount('Équipe')).toBe(6);
    expect(charCount('مياه')).toBe(4);
  });

  it('gives the live counter with whether it is over', () => {
    expect(counter('abc', 2)).toEqual({ count: 3, max: 2, over: true });
    expect(counter('', 10)).toEqual({ count: 0, max: 10, over: false });
  });
});
