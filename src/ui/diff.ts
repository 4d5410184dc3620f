// The fields in which two versions of a record differ, for the conflict screens: winner and
// loser are shown side by side with these fields highlighted. Pure.
export interface FieldRow {
  readonly field: string;
  readonly winner: string;
  readonly loser: string;
  readonly differs: boolean;
  /** For one answer of a form-based record: the question's label. */
  readonly question?: string;
}

/**
 * Equal as JSON values, whatever the order of object keys (PostgreSQL's jsonb reorders them, so
 * the server's copy of a record may list its keys differently from the device's).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((a) => a && typeof a === 'object' && 'question' in a)) {
    return v.map((a: Record<string, unknown>) => `${String(a.question)}: ${String(a.answer ?? '')}`).join('\n');
  }
  return JSON.stringify(v, null, 1);
}

/**
 * What the comparison may look up to show readable values: a form's question labels (answers of
 * form-based records are keyed by question id) and a record's title (a response names its
 * assessment by id).
 */
export interface DiffContext {
  readonly questionLabel?: (formId: string, formVersion: number, questionId: string) => string | undefined;
  readonly recordTitle?: (recordId: string) => string | undefined;
}

/** Fields shown first, in this order; the rest alphabetically. */
const FIRST = ['title', 'respondent', 'assessmentId', 'notes', 'answers'];
const rank = (f: string) => (FIRST.includes(f) ? FIRST.indexOf(f) : FIRST.length);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A form-based record's answers, keyed by question id; null for free-form data. */
function formAnswers(data: Record<string, unknown>): Record<string, unknown> | null {
  return typeof data.formId === 'string' && isObject(data.answers) ? data.answers : null;
}

function formRef(a: Record<string, unknown>, b: Record<string, unknown>): { formId: string; formVersion: number } | null {
  for (const d of [a, b]) if (typeof d.formId === 'string' && typeof d.formVersion === 'number') return { formId: d.formId, formVersion: d.formVersion };
  return null;
}

/**
 * One row per top-level field of either side (plus "deleted"), in a stable order: title first.
 * A form-based record's answers become one row per question (`question` holds its label, or its
 * id when the form is not on the device); its formId is not shown; a response's assessmentId
 * shows the assessment's title, never the id.
 */
export function compareSides(
  winner: { data: Record<string, unknown>; deleted: boolean },
  loser: { data: Record<string, unknown>; deleted: boolean },
  context: DiffContext = {},
): FieldRow[] {
  const form = formRef(winner.data, loser.data);
  const wAnswers = formAnswers(winner.data);
  const lAnswers = formAnswers(loser.data);
  const expandAnswers = wAnswers !== null || lAnswers !== null;
  const fields = [...new Set([...Object.keys(winner.data), ...Object.keys(loser.data)])]
    .filter((f) => f !== 'formId' && !(expandAnswers && f === 'answers'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const value = (data: Record<string, unknown>, field: string) => {
    const v = data[field];
    if (field === 'assessmentId' && typeof v === 'string') return context.recordTitle?.(v) ?? '—';
    return show(v);
  };
  const rows: FieldRow[] = fields.map((field) => ({ field, winner: value(winner.data, field), loser: value(loser.data, field), differs: !sameJson(winner.data[field], loser.data[field]) }));
  if (expandAnswers) {
    const ids = [...new Set([...Object.keys(wAnswers ?? {}), ...Object.keys(lAnswers ?? {})])];
    for (const id of ids) {
      const w = wAnswers?.[id];
      const l = lAnswers?.[id];
      const question = (form && context.questionLabel?.(form.formId, form.formVersion, id)) || id;
      rows.push({ field: `answers.${id}`, question, winner: show(w), loser: show(l), differs: !sameJson(w, l) });
    }
  }
  if (winner.deleted || loser.deleted)
    rows.push({ field: 'deleted', winner: winner.deleted ? 'yes' : 'no', loser: loser.deleted ? 'yes' : 'no', differs: winner.deleted !== loser.deleted });
  return rows;
}
