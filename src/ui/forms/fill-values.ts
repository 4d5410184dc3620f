// What a form-fill screen holds as the user types, and the answers it saves. Inputs keep what
// was typed (a number as its text, a location as two texts) so a half-typed "-1." survives a
// draft; `toAnswers` turns them into the protocol's answers and keeps only shown, answered
// questions: a hidden question is neither checked nor saved. Pure.
import { type Answers, isAnswered, shownQuestions, validateAnswers } from '@/core/form-validate';
import type { FormDefinition, FormProblem, Question } from '@/protocol/forms';

export interface LocationInput {
  readonly latitude: string;
  readonly longitude: string;
  /** Metres, when the position came from the device. */
  readonly accuracy?: number;
}

/**
 * A photo picked but not yet saved: its bytes wait in the form (and its draft) until the
 * assessment is saved, as a media record's parent must reach the server before it. `pendingId`
 * stands for it in the answers until the media record has its own id.
 */
export interface PendingPhoto {
  readonly pendingId: string;
  readonly file: Blob;
  readonly name: string;
}

/** A photo answer's items: media record ids, or photos not saved yet. */
export type PhotoItem = string | PendingPhoto;

export type FillValue = string | readonly string[] | readonly PhotoItem[] | LocationInput;
export type FillValues = Readonly<Record<string, FillValue>>;

/** Parses a typed number, accepting a decimal comma; NaN when it is no number. */
export function parseNumber(text: string): number {
  const t = text.trim().replace(',', '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

function isLocation(v: FillValue | undefined): v is LocationInput {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One question's answer from what was typed; undefined when unanswered. Unparsable input stays as text, so the check names it. */
function answerOf(q: Question, v: FillValue | undefined): unknown {
  if (v === undefined) return undefined;
  switch (q.type) {
    case 'number': {
      if (typeof v !== 'string' || v.trim() === '') return undefined;
      const n = parseNumber(v);
      return Number.isFinite(n) ? n : v;
    }
    case 'multiple_choice':
      return Array.isArray(v) && v.length > 0 ? [...(v as readonly string[])] : undefined;
    case 'photo':
      return Array.isArray(v) && v.length > 0 ? (v as readonly PhotoItem[]).map((p) => (typeof p === 'string' ? p : p.pendingId)) : undefined;
    case 'location': {
      if (!isLocation(v) || (v.latitude.trim() === '' && v.longitude.trim() === '')) return undefined;
      const latitude = parseNumber(v.latitude);
      const longitude = parseNumber(v.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { latitude: v.latitude, longitude: v.longitude };
      return v.accuracy === undefined ? { latitude, longitude } : { latitude, longitude, accuracy: v.accuracy };
    }
    case 'text':
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    case 'date':
    case 'single_choice':
      return typeof v === 'string' && v !== '' ? v : undefined;
  }
}

/** Every typed answer, shown or not (for deciding what is shown). */
function allAnswers(definition: FormDefinition, values: FillValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of definition.questions) {
    const a = answerOf(q, Object.hasOwn(values, q.id) ? values[q.id] : undefined);
    if (isAnswered(a)) out[q.id] = a;
  }
  return out;
}

/** The questions shown for what is typed now, in order. */
export function visibleQuestions(definition: FormDefinition, values: FillValues): Question[] {
  return shownQuestions(definition, allAnswers(definition, values));
}

/** The answers to save: shown and answered questions only. */
export function toAnswers(definition: FormDefinition, values: FillValues): Answers {
  const all = allAnswers(definition, values);
  const out: Record<string, unknown> = {};
  for (const q of shownQuestions(definition, all)) if (Object.hasOwn(all, q.id)) out[q.id] = all[q.id];
  return out;
}

export type FillCheck = { readonly ok: true; readonly answers: Answers } | { readonly ok: false; readonly problems: readonly FormProblem[] };

/** The one check (core/form-validate.ts) over the answers that would be saved. */
export function checkFill(definition: FormDefinition, values: FillValues): FillCheck {
  const answers = toAnswers(definition, values);
  const check = validateAnswers(definition, answers);
  return check.ok ? { ok: true, answers } : { ok: false, problems: check.problems };
}

/** Saved answers back into inputs, for editing. */
export function fromAnswers(definition: FormDefinition, answers: Readonly<Record<string, unknown>>): FillValues {
  const out: Record<string, FillValue> = {};
  for (const q of definition.questions) {
    const a = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (a === undefined || a === null) continue;
    if (q.type === 'number' && typeof a === 'number') out[q.id] = String(a);
    else if ((q.type === 'multiple_choice' || q.type === 'photo') && Array.isArray(a)) out[q.id] = a.filter((x): x is string => typeof x === 'string');
    else if (q.type === 'location' && typeof a === 'object' && !Array.isArray(a)) {
      const l = a as Record<string, unknown>;
      out[q.id] = {
        latitude: String(l.latitude ?? ''),
        longitude: String(l.longitude ?? ''),
        ...(typeof l.accuracy === 'number' ? { accuracy: l.accuracy } : {}),
      };
    } else if (typeof a === 'string') out[q.id] = a;
  }
  return out;
}

/** The photos of shown questions still to be saved, in order. */
export function pendingPhotos(definition: FormDefinition, values: FillValues): PendingPhoto[] {
  const out: PendingPhoto[] = [];
  for (const q of visibleQuestions(definition, values)) {
    const v = Object.hasOwn(values, q.id) ? values[q.id] : undefined;
    if (q.type === 'photo' && Array.isArray(v)) for (const p of v as readonly PhotoItem[]) if (typeof p !== 'string') out.push(p);
  }
  return out;
}

/** The answers with each pending photo's stand-in id replaced by its media record's id. */
export function withMediaIds(answers: Readonly<Record<string, unknown>>, ids: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(answers)) out[k] = Array.isArray(v) ? v.map((x: unknown) => (typeof x === 'string' ? (ids.get(x) ?? x) : x)) : v;
  return out;
}
