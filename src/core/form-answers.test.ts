import { describe, expect, it } from 'vitest';
import { FormDefinitionSchema } from '@/protocol/forms';
import { type FormLookup, type FormVersion, MAX_REPORTED_PROBLEMS, checkFormAnswers, formRefOf } from './form-answers';

const FORM = '0193a000-0000-7000-8000-00000000f0aa';
const NORTH = '0193a000-0000-7000-8000-00000000c001';
const SOUTH = '0193a000-0000-7000-8000-00000000c002';

const version: FormVersion = {
  entityIds: [NORTH],
  definition: FormDefinitionSchema.parse({ questions: [{ id: 'count', type: 'number', label: 'Count', required: true, integer: true }] }),
};
const lookup: FormLookup = (id, v) => (id === FORM && v === 1 ? version : undefined);

describe('checkFormAnswers', () => {
  it('leaves data that names no form alone', () => {
    expect(checkFormAnswers({ title: 'free' }, NORTH, lookup)).toBeNull();
    expect(checkFormAnswers(undefined, NORTH, lookup)).toBeNull();
    expect(formRefOf({ title: 'free' })).toBeUndefined();
  });

  it('passes answers that fit, with the form id in any case', () => {
    expect(checkFormAnswers({ formId: FORM.toUpperCase(), formVersion: 1, answers: { count: 3 } }, NORTH, lookup)).toBeNull();
    expect(formRefOf({ formId: FORM.toUpperCase(), formVersion: 1 })).toEqual({ formId: FORM, formVersion: 1 });
  });

  it('names the questions whose answers do not fit', () => {
    expect(checkFormAnswers({ formId: FORM, formVersion: 1, answers: { count: 2.5 } }, NORTH, lookup)).toMatchObject({
      details: { formId: FORM, formVersion: 1, problems: [{ questionId: 'count', code: 'not_integer' }] },
    });
    expect(checkFormAnswers({ formId: FORM, formVersion: 1 }, NORTH, lookup)?.details.problems).toMatchObject([{ questionId: 'count', code: 'required' }]);
  });

  it('refuses an unknown version, a form of other entities, and a form named badly', () => {
    expect(checkFormAnswers({ formId: FORM, formVersion: 2, answers: {} }, NORTH, lookup)?.message).toBe('no such form version');
    expect(checkFormAnswers({ formId: FORM, formVersion: 1, answers: { count: 1 } }, SOUTH, lookup)?.message).toBe('this form is not used in this entity');
    expect(checkFormAnswers({ formId: 'nope', formVersion: 1 }, NORTH, lookup)?.details.path).toBe('formId');
    expect(checkFormAnswers({ formVersion: 1 }, NORTH, lookup)?.details.path).toBe('formId');
    expect(checkFormAnswers({ formId: FORM, formVersion: 1, answers: [] }, NORTH, lookup)?.details.path).toBe('answers');
  });

  it('reports at most a bounded number of problems', () => {
    const answers = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra_${i}`, i]));
    const found = checkFormAnswers({ formId: FORM, formVersion: 1, answers: { count: 1, ...answers } }, NORTH, lookup);
    expect(found?.details.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
  });
});
