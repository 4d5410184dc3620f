import { describe, expect, it } from 'vitest';
import { FormDefinitionSchema, FormAnswersDataSchema, isCalendarDate, namesForm } from './forms';

const yesNo = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/** The path and message of the first problem, or null when the definition is valid. */
function firstProblem(definition: unknown): { path: string; message: string } | null {
  const r = FormDefinitionSchema.safeParse(definition);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('the form definition format', () => {
  it('accepts every question type with its options', () => {
    expect(
      firstProblem({
        questions: [
          { id: 'name', type: 'text', label: 'Name', maxLength: 80, help: 'As on the card', required: true },
          { id: 'notes', type: 'text', label: 'Notes', multiline: true },
          { id: 'size', type: 'number', label: 'Household size', min: 1, max: 30, integer: true, unit: 'people' },
          { id: 'born', type: 'date', label: 'Date of birth', min: '1900-01-01', max: '2026-12-31' },
          { id: 'water', type: 'single_choice', label: 'Water', choices: yesNo },
          { id: 'needs', type: 'multiple_choice', label: 'Needs', choices: yesNo, minSelected: 1, maxSelected: 2, showIf: { questionId: 'water', equals: 'no' } },
          { id: 'gps', type: 'location', label: 'Where', showIf: { questionId: 'size', answered: true } },
          { id: 'pics', type: 'photo', label: 'Photos', minCount: 0, maxCount: 3, showIf: { questionId: 'needs', in: ['yes'] } },
        ],
      }),
    ).toBeNull();
  });

  it.each([
    ['a repeated question id', [{ id: 'a', type: 'text', label: 'A' }, { id: 'a', type: 'text', label: 'B' }], 'questions.1.id'],
    ['a showIf naming a later question', [{ id: 'a', type: 'text', label: 'A', showIf: { questionId: 'b', answered: true } }, { id: 'b', type: 'text', label: 'B' }], 'questions.0.showIf.questionId'],
    ['a showIf naming itself', [{ id: 'a', type: 'text', label: 'A', showIf: { questionId: 'a', answered: true } }], 'questions.0.showIf.questionId'],
    ['a showIf comparing with a value that is not a choice', [{ id: 'a', type: 'single_choice', label: 'A', choices: yesNo }, { id: 'b', type: 'text', label: 'B', showIf: { questionId: 'a', in: ['yes', 'maybe'] } }], 'questions.1.showIf.in.1'],
    ['a showIf with two conditions', [{ id: 'a', type: 'text', label: 'A' }, { id: 'b', type: 'text', label: 'B', showIf: { questionId: 'a', answered: true, equals: 'x' } }], 'questions.1.showIf'],
    ['a repeated choice value', [{ id: 'a', type: 'single_choice', label: 'A', choices: [...yesNo, { value: 'yes', label: 'Again' }] }], 'questions.0.choices.2.value'],
    ['a number min over its max', [{ id: 'a', type: 'number', label: 'A', min: 5, max: 4 }], 'questions.0.max'],
    ['a date min after its max', [{ id: 'a', type: 'date', label: 'A', min: '2026-02-01', max: '2026-01-31' }], 'questions.0.max'],
    ['a date that is no day', [{ id: 'a', type: 'date', label: 'A', min: '2026-02-30' }], 'questions.0.min'],
    ['more selections than choices', [{ id: 'a', type: 'multiple_choice', label: 'A', choices: yesNo, maxSelected: 3 }], 'questions.0.maxSelected'],
    ['a photo minCount over its maxCount', [{ id: 'a', type: 'photo', label: 'A', minCount: 3, maxCount: 2 }], 'questions.0.maxCount'],
    ['a question id with capitals', [{ id: 'Name', type: 'text', label: 'A' }], 'questions.0.id'],
    ['an unknown question type', [{ id: 'a', type: 'signature', label: 'A' }], 'questions.0.type'],
    ['an unknown option', [{ id: 'a', type: 'text', label: 'A', colour: 'red' }], 'questions.0'],
    ['a blank label', [{ id: 'a', type: 'text', label: '  ' }], 'questions.0.label'],
    ['a label holding U+0000', [{ id: 'a', type: 'text', label: 'A\u0000' }], 'questions.0.label'],
  ])('refuses %s, with the path of the problem', (_what, questions, path) => {
    expect(firstProblem({ questions })?.path).toBe(path);
  });

  it('refuses an empty form', () => {
    expect(firstProblem({ questions: [] })?.path).toBe('questions');
  });
});

describe('what an assessment says about its form', () => {
  it('names a form by formId or formVersion; then both must be right', () => {
    expect(namesForm({ title: 'free form' })).toBe(false);
    expect(namesForm({ formId: 'x' })).toBe(true);
    expect(namesForm({ formVersion: 2 })).toBe(true);
    expect(FormAnswersDataSchema.safeParse({ formId: '0193a000-0000-7000-8000-00000000f001', formVersion: 1, answers: {} }).success).toBe(true);
    expect(FormAnswersDataSchema.safeParse({ formId: '0193a000-0000-7000-8000-00000000f001', formVersion: 0 }).success).toBe(false);
    expect(FormAnswersDataSchema.safeParse({ formId: '0193a000-0000-7000-8000-00000000f001', formVersion: 1, answers: [] }).success).toBe(false);
  });

  it('knows real calendar days', () => {
    expect(['2024-02-29', '2026-12-31', '2000-02-29'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-29', '1900-02-29', '2026-13-01', '2026-04-31', '2026-1-01', '2026-00-10'].some(isCalendarDate)).toBe(false);
  });
});
