import { describe, expect, it } from 'vitest';
import { GuessHints } from './guess-hints';

describe('guess hints', () => {
  it('guess a device never heard from, read first after a batch that was not clean, and guess again after a clean one', () => {
    const hints = new GuessHints();
    expect(hints.shouldGuess('u1', 'dev_a')).toBe(true);
    hints.record('u1', 'dev_a', false);
    expect(hints.shouldGuess('u1', 'dev_a')).toBe(false);
    expect(hints.shouldGuess('u1', 'dev_b')).toBe(true);
    expect(hints.shouldGuess('u2', 'dev_a')).toBe(true);
    hints.record('u1', 'dev_a', true);
    expect(hints.shouldGuess('u1', 'dev_a')).toBe(true);
  });

  it('forget the devices heard from longest ago first when full, which are then guessed', () => {
    const hints = new GuessHints(2);
    hints.record('u', 'dev_1', false);
    hints.record('u', 'dev_2', false);
    hints.record('u', 'dev_1', false); // heard from again: now the latest
    hints.record('u', 'dev_3', false);
    expect(['dev_1', 'dev_2', 'dev_3'].map((d) => hints.shouldGuess('u', d))).toEqual([false, true, false]);
  });
});
