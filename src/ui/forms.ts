// What an assessment and a response hold, and the checks a form runs before saving: a form
// that fails them shows the errors beside the fields and saves nothing. Limits count characters
// (code points, forms/limits.ts), so 30 emoji are 30 characters. Messages come from `say`,
// English unless the screen passes its translations. Pure.
import { withinRecordLimits } from '@/protocol/json-limits';
import { charCount } from './forms/limits';

export interface Answer {
  readonly question: string;
  readonly answer: string;
}

export interface AssessmentData {
  readonly title: string;
  readonly answers: readonly Answer[];
}

export interface ResponseData {
  readonly assessmentId: string;
  readonly respondent: string;
  readonly notes: string;
}

export const LIMITS = { title: 200, question: 300, answer: 5000, answers: 100, respondent: 200, notes: 5000 } as const;

/** Field path → message; empty when the form may be saved. */
export type FormErrors = Record<string, string>;

/** A form's fields checked: the data to save, or the errors by field. */
export type FormCheck<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

/** Why a field is refused; `max` for tooLong and tooMany. */
export type FieldMessage = 'needTitle' | 'needQuestion' | 'needRespondent' | 'tooLong' | 'tooManyAnswers' | 'assessmentTooLarge' | 'responseTooLarge';
export type Say = (m: FieldMessage, max?: number) => string;

export const ENGLISH: Say = (m, max) => {
  switch (m) {
    case 'needTitle':
      return 'Give the assessment a title.';
    case 'needQuestion':
      return 'Say what this answer is about.';
    case 'needRespondent':
      return 'Say who answered.';
    case 'tooLong':
      return `At most ${max} characters.`;
    case 'tooManyAnswers':
      return `At most ${max} answers.`;
    case 'assessmentTooLarge':
      return 'This assessment is too large to save.';
    case 'responseTooLarge':
      return 'This response is too large to save.';
  }
};

export function validateAssessment(input: AssessmentData, say: Say = ENGLISH): FormCheck<AssessmentData> {
  const errors: FormErrors = {};
  const title = input.title.trim();
  if (!title) errors.title = say('needTitle');
  else if (charCount(title) > LIMITS.title) errors.title = say('tooLong', LIMITS.title);
  // Rows left entirely empty are dropped rather than refused: they are the blank row of the form.
  const answers = input.answers
    .map((a) => ({ question: a.question.trim(), answer: a.answer.trim() }))
    .filter((a) => a.question || a.answer);
  if (answers.length > LIMITS.answers) errors.answers = say('tooManyAnswers', LIMITS.answers);
  input.answers.forEach((a, i) => {
    const q = a.question.trim();
    const ans = a.answer.trim();
    if (!q && ans) errors[`answers.${i}.question`] = say('needQuestion');
    if (charCount(q) > LIMITS.question) errors[`answers.${i}.question`] = say('tooLong', LIMITS.question);
    if (charCount(ans) > LIMITS.answer) errors[`answers.${i}.answer`] = say('tooLong', LIMITS.answer);
  });
  const data: AssessmentData = { title, answers };
  if (Object.keys(errors).length === 0 && !withinRecordLimits(data)) errors.form = say('assessmentTooLarge');
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data };
}

export function validateResponse(input: ResponseData, say: Say = ENGLISH): FormCheck<ResponseData> {
  const errors: FormErrors = {};
  const respondent = input.respondent.trim();
  const notes = input.notes.trim();
  if (!respondent) errors.respondent = say('needRespondent');
  else if (charCount(respondent) > LIMITS.respondent) errors.respondent = say('tooLong', LIMITS.respondent);
  if (charCount(notes) > LIMITS.notes) errors.notes = say('tooLong', LIMITS.notes);
  const data: ResponseData = { assessmentId: input.assessmentId, respondent, notes };
  if (Object.keys(errors).length === 0 && !withinRecordLimits(data)) errors.form = say('responseTooLarge');
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data };
}

/** Reads a record's free-form data as an assessment, tolerating data written by other clients. */
export function asAssessment(data: Record<string, unknown>): AssessmentData {
  const title = typeof data.title === 'string' ? data.title : '';
  const answers = Array.isArray(data.answers)
    ? data.answers.flatMap((a: unknown) => {
        if (!a || typeof a !== 'object') return [];
        const { question, answer } = a as Record<string, unknown>;
        return [{ question: typeof question === 'string' ? question : '', answer: typeof answer === 'string' ? answer : String(answer ?? '') }];
      })
    : [];
  return { title, answers };
}

export function asResponse(data: Record<string, unknown>): ResponseData {
  return {
    assessmentId: typeof data.assessmentId === 'string' ? data.assessmentId : '',
    respondent: typeof data.respondent === 'string' ? data.respondent : '',
    notes: typeof data.notes === 'string' ? data.notes : '',
  };
}
