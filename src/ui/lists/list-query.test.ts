import { describe, expect, it } from 'vitest';
import {
  type CompactRow,
  DEFAULT_QUERY,
  type RecordSets,
  authorOf,
  filterValue,
  foldText,
  parseFilterValue,
  parseSort,
  selectIds,
  stampTime,
} from './list-query';

const stamp = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z-0000-dev_a`;
const row = (id: string, title: string, minute: number, formId: string | null = null): CompactRow => ({ id, title, hlc: stamp(minute), formId });
const none: RecordSets = { unsynced: new Set(), conflict: new Set() };
// Newest first, as the device's index reads them for the default order.
const rows = [row('d', 'Water point Nord', 40, 'f1'), row('c', 'école Sud', 30), row('b', '', 20, 'f2'), row('a', 'Latrines', 10, 'f1')];

describe('list search', () => {
  it('finds a title by every word, ignoring case and accents', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, search: 'ECOLE' }, none)).toEqual(['c']);
    expect(selectIds(rows, { ...DEFAULT_QUERY, search: '  point   nord ' }, none)).toEqual(['d']);
    expect(selectIds(rows, { ...DEFAULT_QUERY, search: 'point sud' }, none)).toEqual([]);
  });

  it('keeps everything for an empty search', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, search: '   ' }, none)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('folds composed and decomposed accents alike', () => {
    expect(foldText('E\u0301cole')).toBe(foldText('École'));
  });
});

describe('list filters', () => {
  it('keeps only records with unsynced work', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, filter: { kind: 'unsynced' } }, { ...none, unsynced: new Set(['a', 'c']) })).toEqual(['c', 'a']);
  });

  it('keeps only records whose edit lost a conflict', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, filter: { kind: 'conflict' } }, { ...none, conflict: new Set(['b']) })).toEqual(['b']);
  });

  it('keeps only assessments started from the chosen form', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, filter: { kind: 'form', formId: 'f1' } }, none)).toEqual(['d', 'a']);
  });

  it('combines a filter with a search', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, search: 'latr', filter: { kind: 'form', formId: 'f1' } }, none)).toEqual(['a']);
  });

  it('reads a filter back from its select value, and unknown values as all', () => {
    for (const f of [{ kind: 'all' }, { kind: 'unsynced' }, { kind: 'conflict' }, { kind: 'form', formId: 'x-1' }] as const)
      expect(parseFilterValue(filterValue(f))).toEqual(f);
    expect(parseFilterValue('form:')).toEqual({ kind: 'all' });
    expect(parseFilterValue('bogus')).toEqual({ kind: 'all' });
  });
});

describe('list order', () => {
  it('sorts titles A to Z, numbers by value, untitled last', () => {
    const titled = [row('1', 'Site 10', 5), row('2', '', 4), row('3', 'site 9', 3), row('4', 'Bravo', 2)];
    expect(selectIds(titled, { ...DEFAULT_QUERY, sort: 'title' }, none)).toEqual(['4', '3', '1', '2']);
  });

  it('keeps the stamp order the rows came in for newest and oldest', () => {
    expect(selectIds(rows, { ...DEFAULT_QUERY, sort: 'oldest' }, none)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('reads an unknown sort as newest first', () => {
    expect(parseSort('title')).toBe('title');
    expect(parseSort('random')).toBe('newest');
  });
});

describe('row details', () => {
  it('reads the time of a stamp', () => {
    expect(stampTime(stamp(5))).toBe(Date.parse('2026-01-01T10:05:00.000Z'));
    expect(stampTime('garbage')).toBeNull();
  });

  it('names the current user "you", a known other user by name, and no one else', () => {
    const names = new Map([['u-ben', 'Ben']]);
    expect(authorOf({ updatedBy: 'u-ana' }, false, 'u-ana', names)).toEqual({ kind: 'you' });
    expect(authorOf({ updatedBy: null }, false, 'u-ana', names)).toEqual({ kind: 'you' });
    expect(authorOf({ updatedBy: 'u-ben' }, true, 'u-ana', names)).toEqual({ kind: 'you' });
    expect(authorOf({ updatedBy: 'u-ben' }, false, 'u-ana', names)).toEqual({ kind: 'named', name: 'Ben' });
    expect(authorOf({ updatedBy: 'u-cora' }, false, 'u-ana', names)).toEqual({ kind: 'unknown', id: 'u-cora' });
    // Ids may come in upper case; the names on the device are kept by lower-case id.
    expect(authorOf({ updatedBy: 'U-BEN' }, false, 'u-ana', names)).toEqual({ kind: 'named', name: 'Ben' });
  });
});
