// The one check of a form's answers, run on the device before saving and by the server on push
// (docs/protocol.md "Forms"). Questions are visited in order; a question is shown when it has
// no showIf, or when the question it names is shown and its answer meets the condition.
// Answers to hidden questions are ignored, not refused: a device may keep what was typed
// before an earlier answer hid the question, and nothing typed is thrown away.
// Unanswered means absent, null, a blank string or an empty list; only a shown required
// question must be answered, and a present answer is checked whether required or not.
import { type FormDefinition, type FormProblem, type FormProblemCode, type Question, type ShowIf, isCalendarDate } from '@/protocol/forms';

export type FormCheck = { readonly ok: true } | { readonly ok: false; readonly problems: readonly FormProblem[] };

export type Answers = Readonly<Record<string, unknown>>;

export function validateAnswers(definition: FormDefinition, answers: Answers): FormCheck {
  const problems: FormProblem[] = [];
  const known = new Set(definition.questions.map((q) => q.id));
  for (const key of Object.keys(answers))
    if (!known.has(key)) problems.push({ questionId: key, code: 'unknown_question', message: 'not a question of this form version' });
  for (const q of shownQuestions(definition, answers)) {
    const value = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (!isAnswered(value)) {
      if (q.required) problems.push(problem(q, 'required', 'an answer is required'));
      continue;
    }
    const found = answerProblem(q, value);
    if (found) problems.push(problem(q, found[0], found[1]));
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** The questions shown for these answers, in order. */
export function shownQuestions(definition: FormDefinition, answers: Answers): Question[] {
  const shown = new Set<string>();
  const out: Question[] = [];
  for (const q of definition.questions) {
    if (q.showIf && !(shown.has(q.showIf.questionId) && meets(q.showIf, answerOf(answers, q.showIf.questionId)))) continue;
    shown.add(q.id);
    out.push(q);
  }
  return out;
}

export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

const answerOf = (answers: Answers, id: string): unknown => (Object.hasOwn(answers, id) ? answers[id] : undefined);

function meets(c: ShowIf, value: unknown): boolean {
  if (c.answered !== undefined) return isAnswered(value) === c.answered;
  if (!isAnswered(value)) return false;
  const wanted = c.in ?? [c.equals];
  const given = Array.isArray(value) ? value : [value];
  return given.some((v) => wanted.includes(v as never));
}

const problem = (q: Question, code: FormProblemCode, message: string): FormProblem => ({ questionId: q.id, code, message });

type Found = readonly [FormProblemCode, string] | null;

function answerProblem(q: Question, value: unknown): Found {
  switch (q.type) {
    case 'text':
      if (typeof value !== 'string') return ['type', 'a text answer'];
      // Characters as people count them (code points): an emoji is one, not two UTF-16 units.
      if (q.maxLength !== undefined && [...value].length > q.maxLength) return ['too_long', `at most ${q.maxLength} characters`];
      if (!q.multiline && /[\r\n]/.test(value)) return ['multiline', 'a single line'];
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return ['type', 'a number'];
      if (q.integer && !Number.isInteger(value)) return ['not_integer', 'a whole number'];
      if (q.min !== undefined && value < q.min) return ['too_small', `at least ${q.min}`];
      if (q.max !== undefined && value > q.max) return ['too_large', `at most ${q.max}`];
      return null;
    case 'date':
      if (typeof value !== 'string') return ['type', 'a date as YYYY-MM-DD'];
      if (!isCalendarDate(value)) return ['date_format', 'a date as YYYY-MM-DD'];
      // YYYY-MM-DD strings order as the days they name.
      if (q.min !== undefined && value < q.min) return ['too_small', `on or after ${q.min}`];
      if (q.max !== undefined && value > q.max) return ['too_large', `on or before ${q.max}`];
      return null;
    case 'single_choice':
      if (typeof value !== 'string') return ['type', 'one choice value'];
      return q.choices.some((c) => c.value === value) ? null : ['unknown_choice', `${value} is not a choice`];
    case 'multiple_choice': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return ['type', 'a list of choice values'];
      const values = value as string[];
      const bad = values.find((v) => !q.choices.some((c) => c.value === v));
      if (bad !== undefined) return ['unknown_choice', `${bad} is not a choice`];
      if (new Set(values).size !== values.length) return ['duplicate', 'a choice is selected twice'];
      if (q.minSelected !== undefined && values.length < q.minSelected) return ['too_few', `select at least ${q.minSelected}`];
      if (q.maxSelected !== undefined && values.length > q.maxSelected) return ['too_many', `select at most ${q.maxSelected}`];
      return null;
    }
    case 'location':
      return locationProblem(value);
    case 'photo': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && UUID.test(v))) return ['type', 'a list of media record ids'];
      const ids = (value as string[]).map((v) => v.toLowerCase());
      if (new Set(ids).size !== ids.length) return ['duplicate', 'a photo is named twice'];
      if (q.minCount !== undefined && ids.length < q.minCount) return ['too_few', `at least ${q.minCount} photos`];
      if (q.maxCount !== undefined && ids.length > q.maxCount) return ['too_many', `at most ${q.maxCount} photos`];
      return null;
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCATION_KEYS = new Set(['latitude', 'longitude', 'accuracy']);

/** `{latitude, longitude, accuracy?}`: degrees in range, accuracy in metres, nothing else. */
function locationProblem(value: unknown): Found {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['type', 'a location {latitude, longitude, accuracy?}'];
  const v = value as Record<string, unknown>;
  if (Object.keys(v).some((k) => !LOCATION_KEYS.has(k))) return ['type', 'a location holds only latitude, longitude and accuracy'];
  const { latitude, longitude, accuracy } = v;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return ['type', 'latitude and longitude are numbers'];
  if (accuracy !== undefined && typeof accuracy !== 'number') return ['type', 'accuracy is a number of metres'];
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) return ['out_of_range', 'latitude within ±90 and longitude within ±180'];
  if (accuracy !== undefined && accuracy < 0) return ['out_of_range', 'accuracy is not negative'];
  return null;
}
