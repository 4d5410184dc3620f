import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withinJsonValues } from './json-value-count';

/** The number of values and keys JSON.parse builds for `value`. */
function valuesAndKeys(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + valuesAndKeys(v), 0);
  if (value !== null && typeof value === 'object')
    return 1 + Object.entries(value).reduce((n, [, v]) => n + 1 + valuesAndKeys(v), 0);
  return 1;
}

describe('withinJsonValues', () => {
  it('counts one plus every `[ { , :` outside strings', () => {
    expect(withinJsonValues('[[],[],[]]', 7)).toBe(true);
    expect(withinJsonValues('[[],[],[]]', 6)).toBe(false);
    expect(withinJsonValues('"[[[,,,:::{{{"', 1)).toBe(true);
    // An escaped quote does not end the string; an escaped backslash before the quote does.
    expect(withinJsonValues('{"a":1,"b":"x\\",[[["}', 5)).toBe(true);
    expect(withinJsonValues('{"a":1,"b":"x\\\\",[[["}', 5)).toBe(false);
    expect(withinJsonValues('"unclosed [[[[', 1)).toBe(true);
  });

  it('never counts fewer than the values and keys the text parses into', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const exact = valuesAndKeys(value);
        // Never under the truth, and never more than twice it (an empty container counts 2).
        expect(withinJsonValues(text, exact - 1)).toBe(false);
        expect(withinJsonValues(text, 2 * exact)).toBe(true);
      }),
    );
  });

  it('refuses the 2 MiB body of empty arrays that exhausted the heap', () => {
    const bomb = `[${'[],'.repeat(699_000)}[]]`;
    expect(withinJsonValues(bomb, 200_000)).toBe(false);
  });
});
