// Forms (questionnaires): the definition format, the published form, and the reference an
// assessment's data makes to the form version it answers (docs/protocol.md "Forms").
// A definition is an ordered list of questions; a question may be shown only for some answer
// to an EARLIER question, so a form is filled (and checked) top to bottom in one pass.
import { z } from 'zod';
import { checkRecordData } from './json-limits';
import { IdSchema, RECORD_DATA_PROBLEMS } from './records';
import { wellFormedString } from './well-formed';

export const QUESTION_TYPES = ['text', 'number', 'date', 'single_choice', 'multiple_choice', 'location', 'photo'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const MAX_QUESTIONS = 500;
export const MAX_CHOICES = 500;
export const MAX_PHOTOS = 50;

/** A question's stable key in `answers`: kept across versions so answers stay comparable. */
export const QuestionIdSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a question id: a lowercase letter, then up to 63 of a-z 0-9 _');

// Text stored in jsonb: no lone surrogate and no U+0000, which PostgreSQL refuses.
const plainText = (max: number) => wellFormedString().refine((s) => !s.includes('\u0000'), 'must not hold U+0000').trim().min(1).max(max);

/** `YYYY-MM-DD`, a real calendar day. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export function isCalendarDate(s: string): boolean {
  if (!DATE_PATTERN.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  const days = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days;
}
export const DateSchema = z.string().refine(isCalendarDate, 'a date as YYYY-MM-DD');

/** A value a condition compares an answer with: a choice value, a number or a boolean. */
export const ConditionValueSchema = z.union([plainText(200), z.number(), z.boolean()]);
export type ConditionValue = z.infer<typeof ConditionValueSchema>;

/**
 * Shows the question only when the earlier question `questionId` is shown and its answer
 * `equals` a value (for a multiple choice: includes it), is one of `in` (any selected one of
 * them), or is (`answered: true`) or is not (`false`) answered. Exactly one of the three.
 */
export const ShowIfSchema = z
  .strictObject({
    questionId: QuestionIdSchema,
    equals: ConditionValueSchema.optional(),
    in: z.array(ConditionValueSchema).min(1).max(MAX_CHOICES).optional(),
    answered: z.boolean().optional(),
  })
  .refine((c) => [c.equals, c.in, c.answered].filter((v) => v !== undefined).length === 1, 'give exactly one of equals, in, answered');
export type ShowIf = z.infer<typeof ShowIfSchema>;

const base = {
  id: QuestionIdSchema,
  label: plainText(500),
  help: plainText(2000).optional(),
  required: z.boolean().optional(),
  showIf: ShowIfSchema.optional(),
};

export const ChoiceSchema = z.strictObject({ value: plainText(200), label: plainText(500) });
export type Choice = z.infer<typeof ChoiceSchema>;

const count = (max: number) => z.number().int().min(0).max(max);

export const QuestionSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('text'), maxLength: z.number().int().min(1).max(100_000).optional(), multiline: z.boolean().optional() }),
  z.strictObject({
    ...base,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
    unit: plainText(50).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('date'), min: DateSchema.optional(), max: DateSchema.optional() }),
  z.strictObject({ ...base, type: z.literal('single_choice'), choices: z.array(ChoiceSchema).min(1).max(MAX_CHOICES) }),
  z.strictObject({
    ...base,
    type: z.literal('multiple_choice'),
    choices: z.array(ChoiceSchema).min(1).max(MAX_CHOICES),
    minSelected: count(MAX_CHOICES).optional(),
    maxSelected: z.number().int().min(1).max(MAX_CHOICES).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('location') }),
  z.strictObject({ ...base, type: z.literal('photo'), minCount: count(MAX_PHOTOS).optional(), maxCount: z.number().int().min(1).max(MAX_PHOTOS).optional() }),
]);
export type Question = z.infer<typeof QuestionSchema>;

/** The first structural problem of a definition whose shape is right, or null. */
export interface DefinitionProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

export const FormDefinitionSchema = z
  .strictObject({ questions: z.array(QuestionSchema).min(1).max(MAX_QUESTIONS) })
  .superRefine((d, ctx) => {
    const problem = structuralProblem(d.questions);
    if (problem) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    else {
      const limits = checkRecordData(d);
      if (limits) ctx.addIssue({ code: 'custom', path: [], message: RECORD_DATA_PROBLEMS[limits].replace('data', 'the definition') });
    }
  });
export type FormDefinition = z.infer<typeof FormDefinitionSchema>;

/**
 * Unique question ids; each showIf names an earlier question (and, for a choice question, only
 * its choices); unique choice values; every min at most its max, and a multiple choice's
 * bounds within its number of choices.
 */
export function structuralProblem(questions: readonly Question[]): DefinitionProblem | null {
  const earlier = new Map<string, Question>();
  for (const [i, q] of questions.entries()) {
    const at = (...rest: Array<string | number>) => ['questions', i, ...rest];
    if (earlier.has(q.id)) return { path: at('id'), message: `the question id ${q.id} is used twice` };
    if (q.showIf) {
      const target = earlier.get(q.showIf.questionId);
      if (!target) return { path: at('showIf', 'questionId'), message: 'showIf must name an earlier question' };
      if (target.type === 'single_choice' || target.type === 'multiple_choice') {
        const values = new Set(target.choices.map((c) => c.value));
        const compared = q.showIf.in ?? (q.showIf.equals === undefined ? [] : [q.showIf.equals]);
        const k = compared.findIndex((v) => typeof v !== 'string' || !values.has(v));
        if (k >= 0) return { path: q.showIf.in ? at('showIf', 'in', k) : at('showIf', 'equals'), message: `not a choice of ${target.id}` };
      }
    }
    const problem = questionProblem(q);
    if (problem) return { path: at(...problem.path), message: problem.message };
    earlier.set(q.id, q);
  }
  return null;
}

function questionProblem(q: Question): DefinitionProblem | null {
  const order = (low: number | string | undefined, high: number | string | undefined, path: string) =>
    low !== undefined && high !== undefined && low > high ? { path: [path], message: `must not be under ${String(low)}` } : null;
  switch (q.type) {
    case 'number':
    case 'date':
      return order(q.min, q.max, 'max');
    case 'single_choice':
    case 'multiple_choice': {
      const seen = new Set<string>();
      for (const [j, c] of q.choices.entries()) {
        if (seen.has(c.value)) return { path: ['choices', j, 'value'], message: `the choice value ${c.value} is used twice` };
        seen.add(c.value);
      }
      if (q.type === 'single_choice') return null;
      if (q.maxSelected !== undefined && q.maxSelected > q.choices.length) return { path: ['maxSelected'], message: 'more than the number of choices' };
      if (q.minSelected !== undefined && q.minSelected > q.choices.length) return { path: ['minSelected'], message: 'more than the number of choices' };
      return order(q.minSelected, q.maxSelected, 'maxSelected');
    }
    case 'photo':
      return order(q.minCount, q.maxCount, 'maxCount');
    case 'text':
    case 'location':
      return null;
  }
}

/** A form version as published (GET /api/v1/forms). `entityIds: null`: usable in every entity. */
export const FormSchema = z.object({
  id: IdSchema,
  version: z.number().int().positive(),
  title: z.string(),
  entityIds: z.array(IdSchema).nullable(),
  definition: FormDefinitionSchema,
  publishedAt: z.string(),
});
export type Form = z.infer<typeof FormSchema>;

export const FormsResponseSchema = z.object({ forms: z.array(FormSchema) });
export type FormsResponse = z.infer<typeof FormsResponseSchema>;

/** POST /api/v1/admin/forms: a new form (version 1), or with an existing `id`, its next version. */
export const PublishFormRequestSchema = z.strictObject({
  id: IdSchema.optional(),
  title: plainText(200),
  /** Omitted or null: every entity (admin only). */
  entityIds: z.array(IdSchema).min(1).max(10_000).nullable().optional(),
  definition: FormDefinitionSchema,
});
export type PublishFormRequest = z.infer<typeof PublishFormRequestSchema>;

export const PublishFormResponseSchema = z.object({ form: FormSchema });

/**
 * What an assessment's data carries when it answers a form: `formId`, `formVersion` and
 * `answers` keyed by question id. An assessment naming neither formId nor formVersion is
 * free-form and is not checked.
 */
export const FormAnswersDataSchema = z.looseObject({
  formId: IdSchema,
  formVersion: z.number().int().positive(),
  answers: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'answers must be a JSON object').optional(),
});
export type FormAnswersData = z.infer<typeof FormAnswersDataSchema>;

/** Whether a record's data claims to answer a form (and so must be checked against it). */
export function namesForm(data: Record<string, unknown> | undefined): boolean {
  return data !== undefined && (data.formId !== undefined || data.formVersion !== undefined);
}

/** Why an answer fails its question (form-validate.ts). */
export const FORM_PROBLEM_CODES = [
  'required',
  'type',
  'too_long',
  'multiline',
  'too_small',
  'too_large',
  'not_integer',
  'date_format',
  'unknown_choice',
  'duplicate',
  'too_few',
  'too_many',
  'out_of_range',
  'unknown_question',
] as const;
export type FormProblemCode = (typeof FORM_PROBLEM_CODES)[number];

export interface FormProblem {
  readonly questionId: string;
  readonly code: FormProblemCode;
  readonly message: string;
}
