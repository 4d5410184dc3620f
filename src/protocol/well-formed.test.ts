import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed, wellFormedString } from './well-formed';

describe('well-formed text', () => {
  it('refuses a lone high or low surrogate anywhere, accepts pairs and plain text', () => {
    for (const bad of ['\ud800', 'a\ud800', '\udc00b', 'x\udfffy', '\ud83d\ud83d', '\ude00\ud83d']) expect(isWellFormed(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'plain', 'café', '😀', 'a😀b', 'مرحبا']) expect(isWellFormed(good), good).toBe(true);
  });

  it('agrees with a round trip through UTF-8 on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(isWellFormed(s)).toBe(new TextDecoder().decode(new TextEncoder().encode(s)) === s);
      }),
    );
  });

  it('gives a string schema that keeps its string checks', () => {
    const schema = wellFormedString().trim().min(1).max(5);
    expect(schema.parse('  abc ')).toBe('abc');
    expect(schema.safeParse('ab\ud800').success).toBe(false);
    expect(schema.safeParse('   ').success).toBe(false);
    expect(schema.safeParse('abcdef').success).toBe(false);
  });
});
