// What a list of assessments shows: a search text, one filter and one order, and the pure
// functions that apply them to compact rows (id, title, stamp, form) read from the device.
// The search matches every word of the text in the title, ignoring case and accents.

export const SORTS = ['newest', 'oldest', 'title'] as const;
export type ListSort = (typeof SORTS)[number];

export type ListFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'unsynced' }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'form'; readonly formId: string };

export interface ListQuery {
  readonly search: string;
  readonly filter: ListFilter;
  readonly sort: ListSort;
}

export const DEFAULT_QUERY: ListQuery = { search: '', filter: { kind: 'all' }, sort: 'newest' };

/** The few fields of a record the list query needs, kept small so thousands fit in memory. */
export interface CompactRow {
  readonly id: string;
  readonly title: string;
  readonly hlc: string;
  readonly formId: string | null;
}

/** Which records have unsynced work, and which show a lost edit (from the outbox). */
export interface RecordSets {
  readonly unsynced: ReadonlySet<string>;
  readonly conflict: ReadonlySet<string>;
}

/** Lower case, without accents, spaces collapsed: "Ça  va" and "ca va" are the same text. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('en')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a search text, folded; none for an empty search. */
export function searchWords(search: string): string[] {
  const folded = foldText(search);
  return folded === '' ? [] : folded.split(' ');
}

export function matchesSearch(title: string, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const folded = foldText(title);
  return words.every((w) => folded.includes(w));
}

export function matchesFilter(row: CompactRow, filter: ListFilter, sets: RecordSets): boolean {
  switch (filter.kind) {
    case 'all':
      return true;
    case 'unsynced':
      return sets.unsynced.has(row.id);
    case 'conflict':
      return sets.conflict.has(row.id);
    case 'form':
      return row.formId === filter.formId;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Title A–Z with untitled ones last; equal titles newest first so the order is stable. */
export function compareByTitle(a: CompactRow, b: CompactRow): number {
  if (a.title === '' || b.title === '') {
    if (a.title !== b.title) return a.title === '' ? 1 : -1;
  }
  return collator.compare(a.title, b.title) || (a.hlc < b.hlc ? 1 : a.hlc > b.hlc ? -1 : 0);
}

/**
 * The ids of the rows the query keeps, in its order. Rows come in stamp order (newest first
 * when `newestFirst`), as the device's index reads them, so only the title order sorts.
 */
export function selectIds(rows: readonly CompactRow[], query: ListQuery, sets: RecordSets): string[] {
  const words = searchWords(query.search);
  const kept = rows.filter((r) => matchesFilter(r, query.filter, sets) && matchesSearch(r.title, words));
  if (query.sort === 'title') kept.sort(compareByTitle);
  return kept.map((r) => r.id);
}

/** The filter as one string for a <select>, and back. */
export function filterValue(f: ListFilter): string {
  return f.kind === 'form' ? `form:${f.formId}` : f.kind;
}

export function parseFilterValue(v: string): ListFilter {
  if (v.startsWith('form:') && v.length > 5) return { kind: 'form', formId: v.slice(5) };
  if (v === 'unsynced' || v === 'conflict') return { kind: v };
  return { kind: 'all' };
}

export function parseSort(v: string): ListSort {
  return (SORTS as readonly string[]).includes(v) ? (v as ListSort) : 'newest';
}

/** The instant in an HLC stamp (its first 24 characters are an ISO time), or null. */
export function stampTime(hlc: string): number | null {
  const t = Date.parse(hlc.slice(0, 24));
  return Number.isFinite(t) ? t : null;
}

/**
 * Who made a record's current state, as a row says it: you, a known name, or another user whose
 * name this device does not know (the id is for asking the server, never for showing).
 */
export type Author = { readonly kind: 'you' } | { readonly kind: 'named'; readonly name: string } | { readonly kind: 'unknown'; readonly id: string };

export function authorOf(
  record: { readonly updatedBy: string | null },
  hasLocalWork: boolean,
  currentUserId: string | null,
  names: ReadonlyMap<string, string>,
): Author {
  // Unsynced work on this device, or a record the server never had, is the current user's.
  if (hasLocalWork || record.updatedBy === null) return { kind: 'you' };
  if (currentUserId !== null && record.updatedBy === currentUserId) return { kind: 'you' };
  const name = names.get(record.updatedBy.toLowerCase());
  return name ? { kind: 'named', name } : { kind: 'unknown', id: record.updatedBy };
}
