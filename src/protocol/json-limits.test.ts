import { describe, expect, it } from 'vitest';
import { checkRecordData, jsonBytes, jsonDepth, storableText } from './json-limits';
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

  it('refuses U+0000 in record data', () => {
    expect(RecordDataSchema.safeParse({ a: '\u0000' }).success).toBe(false);
  });
});

describe('checkRecordData', () => {
  it('finds depth, size and unstorable strings as the separate checks do', () => {
    expect(checkRecordData(nest(32))).toBeNull();
    expect(checkRecordData(nest(33))).toBe('depth');
    expect(checkRecordData({ s: 'x'.repeat(256 * 1024 - 20) })).toBeNull();
    expect(checkRecordData({ s: 'é'.repeat(128 * 1024) })).toBe('size');
    expect(checkRecordData({ s: '😀'.repeat(64 * 1024 - 3) })).toBeNull();
    expect(checkRecordData({ s: '😀'.repeat(64 * 1024) })).toBe('size');
    expect(checkRecordData({ a: ['ok', { b: 'x\u0000y' }] })).toBe('unstorable');
    expect(checkRecordData({ ['k\u0000']: 1 })).toBe('unstorable');
    expect(checkRecordData({ a: '\udc00' })).toBe('unstorable');
    expect(checkRecordData({ a: '\\u0000', b: '\\\\ud800', c: '😀' })).toBeNull();
    expect(checkRecordData({ a: '\\\u0000' })).toBe('unstorable');
  });

  it('counts UTF-8 bytes like TextEncoder', () => {
    for (const s of ['abc', 'é', '€', '😀', 'a\u0000\ud800b']) expect(jsonBytes(s)).toBe(new TextEncoder().encode(JSON.stringify(s)).byteLength);
  });

  it('makes text storable by replacing U+0000 and lone surrogates, keeping pairs', () => {
    expect(storableText('a\u0000b\ud800c\udc00d\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ufffdd\ud83d\ude00');
    expect(storableText('plain')).toBe('plain');
  });
});
