import { describe, expect, it } from 'vitest';
import { compareSides, sameJson } from './diff';

describe('conflict comparison', () => {
  it('marks exactly the fields that differ, title first', () => {
    const rows = compareSides(
      { data: { notes: 'same', title: 'Water B', answers: [{ question: 'Wells', answer: '3' }] }, deleted: false },
      { data: { notes: 'same', title: 'Water A', answers: [{ question: 'Wells', answer: '3' }] }, deleted: false },
    );
    expect(rows.map((r) => [r.field, r.differs])).toEqual([
      ['title', true],
      ['answers', false],
      ['notes', false],
    ]);
    expect(rows[1]?.winner).toBe('Wells: 3');
  });

  it('shows a field present on one side only, and a delete', () => {
    const rows = compareSides({ data: { title: 'x' }, deleted: true }, { data: { title: 'x', extra: 1 }, deleted: false });
    expect(rows).toEqual([
      { field: 'title', winner: 'x', loser: 'x', differs: false },
      { field: 'extra', winner: '—', loser: '1', differs: true },
      { field: 'deleted', winner: 'yes', loser: 'no', differs: true },
    ]);
  });
});

describe('JSON equality', () => {
  it('ignores the order of object keys (jsonb reorders them) but not of array items', () => {
    expect(sameJson({ question: 'q', answer: 'a' }, { answer: 'a', question: 'q' })).toBe(true);
    expect(sameJson([{ a: 1, b: [1, 2] }], [{ b: [1, 2], a: 1 }])).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson({ a: null }, { a: {} })).toBe(false);
  });

  it('does not mark a field whose keys are only reordered as differing', () => {
    const rows = compareSides(
      { data: { answers: [{ answer: 'a', question: 'q' }] }, deleted: false },
      { data: { answers: [{ question: 'q', answer: 'a' }] }, deleted: false },
    );
    expect(rows).toEqual([{ field: 'answers', winner: 'q: a', loser: 'q: a', differs: false }]);
  });
});
