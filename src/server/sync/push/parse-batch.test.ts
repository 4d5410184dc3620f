import { describe, expect, it } from 'vitest';
import { ApiError } from '../../http/api-error';
import { parseBatch } from './parse-batch';
import { change, newId } from './push-test-kit';
import { isStorableJson } from './storable-json';

describe('parsing a push body', () => {
  it('keeps good changes with lowercase ids, and echoes the ids as given', () => {
    const c = change();
    const upper = { ...c, changeId: c.changeId.toUpperCase(), recordId: c.recordId.toUpperCase() };
    const { items } = parseBatch({ deviceId: 'dev_1', changes: [upper] });
    expect(items[0]).toMatchObject({ kind: 'valid', changeId: upper.changeId, recordId: upper.recordId, change: { changeId: c.changeId, recordId: c.recordId } });
  });

  it('fails a bad change alone, recordable when its changeId is an id', () => {
    const id = newId();
    const { items } = parseBatch({ deviceId: 'dev_1', changes: [{ changeId: id, recordId: 'x' }, { changeId: 'x' }, 7, change()] });
    expect(items.map((i) => i.kind)).toEqual(['invalid', 'invalid', 'invalid', 'valid']);
    expect(items[0]).toMatchObject({ changeId: id, recordable: true, recordId: null });
    expect(items[1]).toMatchObject({ changeId: 'x', recordable: false });
    expect(items[2]).toMatchObject({ changeId: '', recordable: false });
  });

  it('refuses the whole body for a repeated changeId, in any case', () => {
    const c = change();
    expect(() => parseBatch({ deviceId: 'dev_1', changes: [c, { ...c, changeId: c.changeId.toUpperCase() }] })).toThrow(ApiError);
  });
});

describe('data PostgreSQL can store', () => {
  it('refuses NUL and lone surrogates in keys and values, at any depth', () => {
    expect(isStorableJson({ a: ['ok', { b: 'fine 😀' }] })).toBe(true);
    expect(isStorableJson({ a: ['x\u0000'] })).toBe(false);
    expect(isStorableJson({ ['k\u0000']: 1 })).toBe(false);
    expect(isStorableJson({ a: { b: '\ud83d' } })).toBe(false);
    expect(isStorableJson({ a: '\ude00x' })).toBe(false);
  });
});
