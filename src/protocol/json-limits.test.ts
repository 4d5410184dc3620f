import { describe, expect, it } from 'vitest';
import { hasNulCharacter, jsonBytes, jsonDepth } from './json-limits';
import { RecordDataSchema } from './records';

const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });

describe('JSON limits', () => {
  it('measures nesting depth', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [{}] })).toBe(3);
    expect(jsonDepth(nest(32))).toBe(32);
  });

  it('accepts data nested 32 deep and refuses 33', () => {
    expect(RecordDataSchema.safeParse(nest(32)).success).toBe(true);
    expect(RecordDataSchema.safeParse(nest(33)).success).toBe(false);
  });

  it('refuses data over 256 KiB', () => {
    expect(RecordDataSchema.safeParse({ s: 'x'.repeat(256 * 1024 - 20) }).success).toBe(true);
    expect(RecordDataSchema.safeParse({ s: 'x'.repeat(256 * 1024) }).success).toBe(false);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(jsonBytes('é')).toBe(4);
  });

  it('finds U+0000 in keys and values at any depth and refuses it', () => {
    expect(hasNulCharacter({ a: ['ok', { b: 'x\u0000y' }] })).toBe(true);
    expect(hasNulCharacter({ ['k\u0000']: 1 })).toBe(true);
    expect(hasNulCharacter({ a: 'fine', n: 0, z: null })).toBe(false);
    expect(RecordDataSchema.safeParse({ a: '\u0000' }).success).toBe(false);
  });
});
