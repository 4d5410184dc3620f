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
      ['notes', false],
      ['answers', false],
    ]);
    expect(rows[2]?.winner).toBe('Wells: 3');
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

describe('readable comparison', () => {
  it('shows a form-based record answer by answer, with the questions’ labels, and never its form id', () => {
    const form = { formId: 'f1', formVersion: 2 };
    const labels: Record<string, string> = { q_water: 'Is the water clear?', q_taps: 'Working taps' };
    const rows = compareSides(
      { data: { ...form, title: 'Pump 3', answers: { q_water: 'yes', q_taps: 4 } }, deleted: false },
      { data: { ...form, title: 'Pump 3', answers: { q_water: 'no', q_taps: 4 } }, deleted: false },
      { questionLabel: (id, v, q) => (id === 'f1' && v === 2 ? labels[q] : undefined) },
    );
    expect(rows.map((r) => [r.field, r.question, r.differs])).toEqual([
      ['title', undefined, false],
      ['formVersion', undefined, false],
      ['answers.q_water', 'Is the water clear?', true],
      ['answers.q_taps', 'Working taps', false],
    ]);
  });

  it('falls back to the question id when the form is not on the device', () => {
    const rows = compareSides({ data: { formId: 'f', formVersion: 1, answers: { q1: 'a' } }, deleted: false }, { data: { formId: 'f', formVersion: 1, answers: {} }, deleted: false });
    expect(rows.find((r) => r.field === 'answers.q1')).toMatchObject({ question: 'q1', winner: 'a', loser: '—', differs: true });
  });

  it('shows a response’s assessment by its title, never its id, respondent first', () => {
    const id = '0193a000-0000-7000-8000-0000000000aa';
    const rows = compareSides(
      { data: { assessmentId: id, respondent: 'Household 14', notes: 'x' }, deleted: false },
      { data: { assessmentId: id, respondent: 'Household 41', notes: 'x' }, deleted: false },
      { recordTitle: (r) => (r === id ? 'Water point check' : undefined) },
    );
    expect(rows.map((r) => [r.field, r.winner])).toEqual([
      ['respondent', 'Household 14'],
      ['assessmentId', 'Water point check'],
      ['notes', 'x'],
    ]);
    expect(JSON.stringify(compareSides({ data: { assessmentId: id }, deleted: false }, { data: { assessmentId: id }, deleted: false }))).not.toContain(id);
  });
});
