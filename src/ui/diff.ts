// The fields in which two versions of a record differ, for the conflict screens: winner and
// loser are shown side by side with these fields highlighted. Pure.
export interface FieldRow {
  readonly field: string;
  readonly winner: string;
  readonly loser: string;
  readonly differs: boolean;
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

/** One row per top-level field of either side (plus "deleted"), in a stable order: title first. */
export function compareSides(
  winner: { data: Record<string, unknown>; deleted: boolean },
  loser: { data: Record<string, unknown>; deleted: boolean },
): FieldRow[] {
  const fields = [...new Set([...Object.keys(winner.data), ...Object.keys(loser.data)])].sort((a, b) =>
    a === 'title' ? -1 : b === 'title' ? 1 : a.localeCompare(b),
  );
  const rows = fields.map((field) => {
    const w = show(winner.data[field]);
    const l = show(loser.data[field]);
    return { field, winner: w, loser: l, differs: !sameJson(winner.data[field], loser.data[field]) };
  });
  if (winner.deleted || loser.deleted)
    rows.push({ field: 'deleted', winner: winner.deleted ? 'yes' : 'no', loser: loser.deleted ? 'yes' : 'no', differs: winner.deleted !== loser.deleted });
  return rows;
}
