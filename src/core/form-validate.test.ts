import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FormDefinition, FormDefinitionSchema, type Question, type ShowIf } from '@/protocol/forms';
import { type Answers, shownQuestions, validateAnswers } from './form-validate';

// --- Generated definitions, and valid answers for them -------------------------------------

const label = fc.constantFrom('Water source', 'Households', 'Visit date', 'Notes', 'Photo of the pump');
const choiceValues = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 6 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
// Days from 1950 to 2100.
const dayNumber = fc.integer({ min: -7305, max: 47482 });

/** A question of any type with consistent bounds, without id and showIf yet. */
const questionBody: fc.Arbitrary<Omit<Question, 'id'>> = fc.oneof(
  fc.record({ type: fc.constant('text' as const), label, maxLength: maybe(fc.integer({ min: 1, max: 40 })), multiline: maybe(fc.boolean()) }),
  fc
    .record({ type: fc.constant('number' as const), label, a: maybe(fc.integer({ min: -1000, max: 1000 })), b: maybe(fc.integer({ min: 0, max: 1000 })), integer: maybe(fc.boolean()) })
    .map(({ a, b, ...q }) => ({ ...q, min: a, max: a === undefined || b === undefined ? b : a + b, unit: 'people' })),
  fc
    .record({ type: fc.constant('date' as const), label, a: maybe(dayNumber), b: maybe(fc.integer({ min: 0, max: 400 })) })
    .map(({ a, b, ...q }) => ({ ...q, min: a === undefined ? undefined : day(a), max: b === undefined ? undefined : day((a ?? 0) + b) })),
  fc.record({ type: fc.constant('single_choice' as const), label, choices: choiceValues.map((vs) => vs.map((value) => ({ value, label: value.toUpperCase() }))) }),
  choiceValues.chain((vs) =>
    fc
      .record({ type: fc.constant('multiple_choice' as const), label, lo: maybe(fc.integer({ min: 0, max: vs.length })), extra: maybe(fc.integer({ min: 0, max: vs.length })) })
      .map(({ lo, extra, ...q }) => ({
        ...q,
        choices: vs.map((value) => ({ value, label: value })),
        minSelected: lo,
        maxSelected: extra === undefined ? undefined : Math.max(1, Math.min(vs.length, (lo ?? 0) + extra)),
      })),
  ),
  fc.record({ type: fc.constant('location' as const), label }),
  fc
    .record({ type: fc.constant('photo' as const), label, lo: maybe(fc.integer({ min: 0, max: 3 })), extra: maybe(fc.integer({ min: 0, max: 3 })) })
    .map(({ lo, extra, ...q }) => ({ ...q, minCount: lo, maxCount: extra === undefined ? undefined : Math.max(1, (lo ?? 0) + extra) })),
) as fc.Arbitrary<Omit<Question, 'id'>>;

/** Drops undefined fields, as a definition that went through JSON has none. */
const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

function showIfFor(earlier: readonly Question[], pick: number, variant: number, flag: boolean): ShowIf | undefined {
  if (earlier.length === 0) return undefined;
  const target = earlier[pick % earlier.length]!;
  if ((target.type === 'single_choice' || target.type === 'multiple_choice') && variant % 3 !== 0) {
    const values = target.choices.map((c) => c.value);
    return variant % 3 === 1 ? { questionId: target.id, equals: values[pick % values.length]! } : { questionId: target.id, in: values.slice(0, 1 + (pick % values.length)) };
  }
  return { questionId: target.id, answered: flag };
}

const definitionArb: fc.Arbitrary<FormDefinition> = fc
  .array(fc.record({ body: questionBody, required: fc.boolean(), conditional: fc.boolean(), pick: fc.nat(), variant: fc.nat(), flag: fc.boolean() }), { minLength: 1, maxLength: 12 })
  .map((parts) => {
    const questions: Question[] = [];
    for (const [i, p] of parts.entries()) {
      const showIf = p.conditional ? showIfFor(questions, p.pick, p.variant, p.flag) : undefined;
      questions.push(clean({ ...p.body, id: `q${i}_${p.body.type}`, required: p.required, showIf }) as Question);
    }
    return { questions };
  });

const uuid = fc.uuid({ version: 7 });

/** Arbitrary valid (and answered) values for one question. */
function validAnswer(q: Question): fc.Arbitrary<unknown> {
  switch (q.type) {
    case 'text':
      return fc.stringMatching(q.multiline ? /^[a-z][a-z \n]{0,30}$/ : /^[a-z][a-z ]{0,30}$/).map((s) => s.slice(0, q.maxLength ?? 100));
    case 'number': {
      const min = q.min ?? -1e6;
      const max = q.max ?? 1e6;
      return q.integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'date': {
      const lo = q.min === undefined ? -7305 : Date.parse(q.min) / 86_400_000;
      const hi = q.max === undefined ? 47482 : Date.parse(q.max) / 86_400_000;
      return fc.integer({ min: lo, max: hi }).map(day);
    }
    case 'single_choice':
      return fc.constantFrom(...q.choices.map((c) => c.value));
    case 'multiple_choice': {
      const values = q.choices.map((c) => c.value);
      return fc.subarray(values, { minLength: Math.max(1, q.minSelected ?? 0), maxLength: q.maxSelected ?? values.length });
    }
    case 'location':
      return fc.record(
        { latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }), accuracy: fc.double({ min: 0, max: 5000, noNaN: true }) },
        { requiredKeys: ['latitude', 'longitude'] },
      );
    case 'photo':
      return fc.uniqueArray(uuid, { minLength: Math.max(1, q.minCount ?? 0), maxLength: q.maxCount ?? 5 });
  }
}

/** A definition and answers that fill every required question and some optional ones. */
const filledForm = definitionArb.chain((definition) =>
  fc
    .tuple(...definition.questions.map((q) => fc.tuple(validAnswer(q), fc.boolean())))
    .map((values) => {
      const answers: Record<string, unknown> = {};
      definition.questions.forEach((q, i) => {
        const [value, optionalAnswered] = values[i]!;
        if (q.required || optionalAnswered) answers[q.id] = value;
      });
      return { definition, answers: answers as Answers };
    }),
);

describe('validateAnswers, properties', () => {
  it('generated definitions are valid definitions', () => {
    fc.assert(
      fc.property(definitionArb, (d) => {
        expect(FormDefinitionSchema.safeParse(d).success).toBe(true);
      }),
    );
  });

  it('valid answers to every required question always pass', () => {
    fc.assert(
      fc.property(filledForm, ({ definition, answers }) => {
        expect(validateAnswers(definition, answers)).toEqual({ ok: true });
      }),
    );
  });

  it('removing the answer to a shown required question always fails, naming it', () => {
    fc.assert(
      fc.property(filledForm, fc.nat(), ({ definition, answers }, pick) => {
        const required = shownQuestions(definition, answers).filter((q) => q.required);
        fc.pre(required.length > 0);
        const q = required[pick % required.length]!;
        const { [q.id]: _removed, ...rest } = answers;
        const check = validateAnswers(definition, rest);
        expect(check.ok).toBe(false);
        if (!check.ok) expect(check.problems).toContainEqual(expect.objectContaining({ questionId: q.id, code: 'required' }));
      }),
    );
  });

  it("ignores whatever the answers to hidden questions hold", () => {
    fc.assert(
      fc.property(filledForm, fc.jsonValue(), ({ definition, answers }, junk) => {
        const shown = new Set(shownQuestions(definition, answers).map((q) => q.id));
        const hidden = definition.questions.filter((q) => !shown.has(q.id));
        fc.pre(hidden.length > 0);
        const withJunk = { ...answers, ...Object.fromEntries(hidden.map((q) => [q.id, junk])) };
        // Junk in a hidden question cannot show it: it only hides its own dependants, whose answers are valid anyway.
        expect(validateAnswers(definition, withJunk)).toEqual({ ok: true });
      }),
    );
  });

  it('never throws, and names only question ids that were given or defined', () => {
    fc.assert(
      fc.property(definitionArb, fc.dictionary(fc.string(), fc.jsonValue()), (definition, answers) => {
        const check = validateAnswers(definition, answers);
        const ids = new Set([...definition.questions.map((q) => q.id), ...Object.keys(answers)]);
        if (!check.ok) for (const p of check.problems) expect(ids.has(p.questionId)).toBe(true);
      }),
    );
  });
});

// --- Examples --------------------------------------------------------------------------------

const waterPoint = FormDefinitionSchema.parse({
  questions: [
    { id: 'functional', type: 'single_choice', label: 'Is the water point working?', required: true, choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    { id: 'fault', type: 'multiple_choice', label: 'What is wrong?', required: true, showIf: { questionId: 'functional', equals: 'no' }, minSelected: 1, maxSelected: 2, choices: [{ value: 'pump', label: 'Pump' }, { value: 'pipe', label: 'Pipe' }, { value: 'tap', label: 'Tap' }] },
    { id: 'users', type: 'number', label: 'Households using it', integer: true, min: 0, max: 5000, unit: 'households' },
    { id: 'visited', type: 'date', label: 'Visit date', required: true, min: '2020-01-01', max: '2030-12-31' },
    { id: 'where', type: 'location', label: 'Location' },
    { id: 'note', type: 'text', label: 'Note', maxLength: 10 },
    { id: 'photos', type: 'photo', label: 'Photos', minCount: 1, maxCount: 2 },
  ],
});

const problemsOf = (answers: Answers) => {
  const check = validateAnswers(waterPoint, answers);
  return check.ok ? [] : check.problems.map((p) => [p.questionId, p.code]);
};
const base = { functional: 'yes', visited: '2026-12-05' };

describe('validateAnswers, examples', () => {
  it('accepts a complete, well-formed set of answers', () => {
    expect(problemsOf({ ...base, users: 40, where: { latitude: 12.5, longitude: -8.1, accuracy: 6 }, note: 'ok', photos: ['0193a000-0000-7000-8000-000000000001'] })).toEqual([]);
  });

  it('requires a shown required question, and not a hidden one', () => {
    expect(problemsOf({ functional: 'yes' })).toEqual([['visited', 'required']]);
    expect(problemsOf({ ...base, functional: 'no' })).toEqual([['fault', 'required']]);
    expect(problemsOf({ ...base, functional: 'no', fault: [] })).toEqual([['fault', 'required']]);
    expect(problemsOf({ ...base, functional: 'no', fault: ['pump'] })).toEqual([]);
    // Hidden: its answer is ignored, even a malformed one.
    expect(problemsOf({ ...base, fault: 'nonsense' })).toEqual([]);
  });

  it('checks types, bounds, choices and counts', () => {
    expect(problemsOf({ ...base, users: '40' })).toEqual([['users', 'type']]);
    expect(problemsOf({ ...base, users: 4.5 })).toEqual([['users', 'not_integer']]);
    expect(problemsOf({ ...base, users: -1 })).toEqual([['users', 'too_small']]);
    expect(problemsOf({ ...base, users: 5001 })).toEqual([['users', 'too_large']]);
    expect(problemsOf({ ...base, functional: 'maybe' })).toEqual([['functional', 'unknown_choice']]);
    expect(problemsOf({ ...base, functional: 'no', fault: ['pump', 'pump'] })).toEqual([['fault', 'duplicate']]);
    expect(problemsOf({ ...base, functional: 'no', fault: ['pump', 'pipe', 'tap'] })).toEqual([['fault', 'too_many']]);
    expect(problemsOf({ ...base, note: 'far too long a note' })).toEqual([['note', 'too_long']]);
    // ten emoji are ten characters, within a limit of 10, though they are 20 UTF-16 units
    expect(problemsOf({ ...base, note: '💧'.repeat(10) })).toEqual([]);
    expect(problemsOf({ ...base, note: '💧'.repeat(11) })).toEqual([['note', 'too_long']]);
    expect(problemsOf({ ...base, note: 'two\nlines' })).toEqual([['note', 'multiline']]);
    expect(problemsOf({ ...base, photos: ['not-an-id'] })).toEqual([['photos', 'type']]);
    expect(problemsOf({ ...base, photos: ['0193a000-0000-7000-8000-000000000001', '0193a000-0000-7000-8000-000000000002', '0193a000-0000-7000-8000-000000000003'] })).toEqual([['photos', 'too_many']]);
  });

  it('checks dates as real YYYY-MM-DD days within bounds', () => {
    expect(problemsOf({ ...base, visited: '2026-02-30' })).toEqual([['visited', 'date_format']]);
    expect(problemsOf({ ...base, visited: '5 Dec 2026' })).toEqual([['visited', 'date_format']]);
    expect(problemsOf({ ...base, visited: '2019-12-31' })).toEqual([['visited', 'too_small']]);
    expect(problemsOf({ ...base, visited: '2031-01-01' })).toEqual([['visited', 'too_large']]);
    expect(problemsOf({ ...base, visited: '2024-02-29' })).toEqual([]);
  });

  it('checks a location: numbers in range, nothing else', () => {
    expect(problemsOf({ ...base, where: { latitude: 91, longitude: 0 } })).toEqual([['where', 'out_of_range']]);
    expect(problemsOf({ ...base, where: { latitude: 0, longitude: -181 } })).toEqual([['where', 'out_of_range']]);
    expect(problemsOf({ ...base, where: { latitude: 0, longitude: 0, accuracy: -1 } })).toEqual([['where', 'out_of_range']]);
    expect(problemsOf({ ...base, where: { latitude: '0', longitude: 0 } })).toEqual([['where', 'type']]);
    expect(problemsOf({ ...base, where: { latitude: 0, longitude: 0, altitude: 3 } })).toEqual([['where', 'type']]);
  });

  it('refuses an answer to a question the form version does not have', () => {
    expect(problemsOf({ ...base, colour: 'blue' })).toEqual([['colour', 'unknown_question']]);
  });

  it('a condition on a hidden question is not met', () => {
    const chained = FormDefinitionSchema.parse({
      questions: [
        { id: 'a', type: 'single_choice', label: 'A', choices: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }] },
        { id: 'b', type: 'text', label: 'B', showIf: { questionId: 'a', equals: 'x' } },
        { id: 'c', type: 'text', label: 'C', required: true, showIf: { questionId: 'b', answered: true } },
      ],
    });
    expect(validateAnswers(chained, { a: 'x', b: 'typed' })).toMatchObject({ ok: false, problems: [{ questionId: 'c', code: 'required' }] });
    // b is hidden once a is y, so its answer counts for nothing and c is hidden too.
    expect(validateAnswers(chained, { a: 'y', b: 'typed' })).toEqual({ ok: true });
  });
});
