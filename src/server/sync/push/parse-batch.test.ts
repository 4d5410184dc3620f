import { describe, expect, it } from 'vitest';
import { ApiError } from '../../http/api-error';
import { parseBatch } from './parse-batch';
import { change, newId } from './push-test-kit';

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
  it('fails alone a change whose data holds NUL or a lone surrogate, in a key or a value, at any depth', () => {
    const bad = [{ a: ['x\u0000'] }, { ['k\u0000']: 1 }, { a: { b: '\ud83d' } }, { a: '\ude00x' }];
    const good = change({ data: { a: ['ok', { b: 'fine 😀' }] } });
    const batch = parseBatch({ deviceId: 'dev_1', changes: [good, ...bad.map((data) => change({ data }))] });
    expect(batch.items.map((i) => i.kind)).toEqual(['valid', 'invalid', 'invalid', 'invalid', 'invalid']);
  });
});
