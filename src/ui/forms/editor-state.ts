// The form editor's state and its one step function: questions added, ordered, edited, with
// their choices and show-if; `toDefinition` builds the definition the server will check with the
// same schema (protocol/forms.ts), so the editor names a problem before publishing. Pure.
//
//   step(state, action) → state      actions: add · remove · move · update · choice-add ·
//                                     choice-update · choice-remove · title · sites
import { type FormDefinition, FormDefinitionSchema, type Form, type Question, type QuestionType } from '@/protocol/forms';
import { type EditorShowIf, showIfFromProtocol } from './show-if-edit';

export interface EditorChoice {
  readonly value: string;
  readonly label: string;
}

export type { EditorShowIf };

export interface EditorQuestion {
  readonly id: string;
  readonly type: QuestionType;
  readonly label: string;
  readonly help: string;
  readonly required: boolean;
  readonly choices: readonly EditorChoice[];
  readonly showIf: EditorShowIf | null;
  /** Text: most characters; number: bounds; as typed. */
  readonly maxLength: string;
  readonly min: string;
  readonly max: string;
  readonly integer: boolean;
  readonly multiline: boolean;
  readonly unit: string;
  /**
   * Options of a published question this editor has no field for (a date's bounds, a multiple
   * choice's or a photo's counts): kept as they were while the type stays.
   */
  readonly kept: { readonly type: QuestionType; readonly options: Readonly<Record<string, unknown>> } | null;
}

export interface EditorState {
  /** The form a new version is published of; null: a new form. */
  readonly formId: string | null;
  readonly title: string;
  /** Sites the form is for; null: every site (admin only). */
  readonly entityIds: readonly string[] | null;
  readonly questions: readonly EditorQuestion[];
}

export type EditorAction =
  | { readonly kind: 'add'; readonly type: QuestionType }
  | { readonly kind: 'remove'; readonly index: number }
  | { readonly kind: 'move'; readonly index: number; readonly by: -1 | 1 }
  | { readonly kind: 'update'; readonly index: number; readonly patch: Partial<EditorQuestion> }
  | { readonly kind: 'choice-add'; readonly index: number }
  | { readonly kind: 'choice-update'; readonly index: number; readonly choice: number; readonly patch: Partial<EditorChoice> }
  | { readonly kind: 'choice-remove'; readonly index: number; readonly choice: number }
  | { readonly kind: 'title'; readonly title: string }
  | { readonly kind: 'sites'; readonly entityIds: readonly string[] | null };

const isChoice = (t: QuestionType) => t === 'single_choice' || t === 'multiple_choice';

function freeId(questions: readonly EditorQuestion[], stem: string): string {
  const used = new Set(questions.map((q) => q.id));
  for (let n = questions.length + 1; ; n++) if (!used.has(`${stem}${n}`)) return `${stem}${n}`;
}

export function blankQuestion(type: QuestionType, questions: readonly EditorQuestion[]): EditorQuestion {
  return {
    id: freeId(questions, 'q'), type, label: '', help: '', required: false,
    choices: isChoice(type) ? [{ value: 'option1', label: '' }] : [],
    showIf: null, maxLength: '', min: '', max: '', integer: false, multiline: false, unit: '', kept: null,
  };
}

const at = <T>(list: readonly T[], i: number, f: (x: T) => T): T[] => list.map((x, j) => (j === i ? f(x) : x));

export function step(s: EditorState, a: EditorAction): EditorState {
  switch (a.kind) {
    case 'add':
      return { ...s, questions: [...s.questions, blankQuestion(a.type, s.questions)] };
    case 'remove': {
      const gone = s.questions[a.index]?.id;
      // A show-if naming the removed question would name nothing: it goes too.
      return { ...s, questions: s.questions.filter((_, j) => j !== a.index).map((q) => (q.showIf?.questionId === gone ? { ...q, showIf: null } : q)) };
    }
    case 'move': {
      const to = a.index + a.by;
      if (to < 0 || to >= s.questions.length) return s;
      const list = [...s.questions];
      [list[a.index], list[to]] = [list[to]!, list[a.index]!];
      return { ...s, questions: list };
    }
    case 'update':
      return {
        ...s,
        questions: at(s.questions, a.index, (q) => {
          const next = { ...q, ...a.patch };
          if (a.patch.type && isChoice(a.patch.type) && next.choices.length === 0) return { ...next, choices: [{ value: 'option1', label: '' }] };
          return next;
        }),
      };
    case 'choice-add':
      return {
        ...s,
        questions: at(s.questions, a.index, (q) => {
          const used = new Set(q.choices.map((c) => c.value));
          let n = q.choices.length + 1;
          while (used.has(`option${n}`)) n++;
          return { ...q, choices: [...q.choices, { value: `option${n}`, label: '' }] };
        }),
      };
    case 'choice-update':
      return { ...s, questions: at(s.questions, a.index, (q) => ({ ...q, choices: at(q.choices, a.choice, (c) => ({ ...c, ...a.patch })) })) };
    case 'choice-remove':
      return { ...s, questions: at(s.questions, a.index, (q) => ({ ...q, choices: q.choices.filter((_, j) => j !== a.choice) })) };
    case 'title':
      return { ...s, title: a.title };
    case 'sites':
      return { ...s, entityIds: a.entityIds };
  }
}

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim().replace(',', '.')));
const opt = <K extends string, V>(k: K, v: V | undefined | '') => (v === undefined || v === '' ? {} : ({ [k]: v } as Record<K, V>));

/** One editor question as the protocol's question (not yet checked). */
export function toQuestion(q: EditorQuestion): unknown {
  const kept = q.kept?.type === q.type ? q.kept.options : {};
  const base = {
    ...kept,
    id: q.id.trim(),
    type: q.type,
    label: q.label.trim(),
    ...opt('help', q.help.trim()),
    ...(q.required ? { required: true } : {}),
    ...(q.showIf ? { showIf: q.showIf } : {}),
  };
  switch (q.type) {
    case 'text':
      return { ...base, ...opt('maxLength', num(q.maxLength)), ...(q.multiline ? { multiline: true } : {}) };
    case 'number':
      return { ...base, ...opt('min', num(q.min)), ...opt('max', num(q.max)), ...(q.integer ? { integer: true } : {}), ...opt('unit', q.unit.trim()) };
    case 'single_choice':
    case 'multiple_choice':
      return { ...base, choices: q.choices.map((c) => ({ value: c.value.trim(), label: c.label.trim() })) };
    case 'date':
    case 'location':
    case 'photo':
      return base;
  }
}

/** Where the definition breaks the format: the question (index) or null for the whole, and why. */
export interface EditorProblem {
  readonly index: number | null;
  readonly field: string;
  readonly message: string;
}

export type DefinitionCheck = { readonly ok: true; readonly definition: FormDefinition } | { readonly ok: false; readonly problem: EditorProblem };

export function toDefinition(questions: readonly EditorQuestion[]): DefinitionCheck {
  const r = FormDefinitionSchema.safeParse({ questions: questions.map(toQuestion) });
  if (r.success) return { ok: true, definition: r.data };
  const issue = r.error.issues[0]!;
  const [, index, ...rest] = issue.path;
  return { ok: false, problem: { index: typeof index === 'number' ? index : null, field: rest.join('.'), message: issue.message } };
}

const EDITED = new Set(['id', 'type', 'label', 'help', 'required', 'showIf', 'choices', 'maxLength', 'multiline', 'min', 'max', 'integer', 'unit']);

function fromQuestion(q: Question): EditorQuestion {
  const options = Object.fromEntries(Object.entries(q).filter(([k]) => !EDITED.has(k) || (q.type === 'date' && (k === 'min' || k === 'max'))));
  const showIf = showIfFromProtocol(q.showIf);
  return {
    id: q.id, type: q.type, label: q.label, help: q.help ?? '', required: q.required === true,
    choices: q.type === 'single_choice' || q.type === 'multiple_choice' ? q.choices : [],
    showIf,
    maxLength: q.type === 'text' && q.maxLength !== undefined ? String(q.maxLength) : '',
    min: q.type === 'number' && q.min !== undefined ? String(q.min) : '',
    max: q.type === 'number' && q.max !== undefined ? String(q.max) : '',
    integer: q.type === 'number' && q.integer === true,
    multiline: q.type === 'text' && q.multiline === true,
    unit: q.type === 'number' ? (q.unit ?? '') : '',
    kept: Object.keys(options).length ? { type: q.type, options } : null,
  };
}

/** The editor opened on a published version (to publish the next one), or on a new form. */
export function editorState(form: Form | null): EditorState {
  if (!form) return { formId: null, title: '', entityIds: null, questions: [] };
  return { formId: form.id, title: form.title, entityIds: form.entityIds, questions: form.definition.questions.map(fromQuestion) };
}
