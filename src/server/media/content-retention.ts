// When stored content may go (docs/protocol.md "Media content"): it is kept while any version
// of its record refers to it, the live record or an open conflict's side; only a tombstone's
// content, once none of its conflicts is open, may be removed. Pure.

export interface RetentionFacts {
  /** The record is a tombstone now; null when no record has this id at all. */
  readonly deleted: boolean | null;
  readonly openConflicts: number;
}

export function contentRemovable(facts: RetentionFacts): boolean {
  if (facts.deleted === null) return true;
  return facts.deleted && facts.openConflicts === 0;
}
