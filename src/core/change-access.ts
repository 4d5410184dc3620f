// Access and reference rules for one pushed change (docs/protocol.md "Push";
// docs/INVARIANTS.md #10). Pure: `lookup` answers from records the server loaded for the batch,
// as earlier changes of the same batch left them, so an assessment created earlier in a batch
// counts for a response later in it.
import { MediaDataSchema, type RecordData, type RecordType, ResponseDataSchema } from '@/protocol/records';
import type { Action } from '@/protocol/push';
import { type RecordState, type Rejection, rejected } from './apply-change';

export interface AccessView {
  /** Entities the caller may write. */
  readonly entityIds: ReadonlySet<string>;
  lookup(id: string): RecordState | undefined;
}

export interface AccessSubject {
  readonly type: RecordType;
  readonly action: Action;
  readonly entityId: string;
  readonly data?: RecordData | undefined;
}

/** The id a record's data points at (a response's assessment, a media item's parent), if any. */
export function referencedId(change: AccessSubject): string | undefined {
  if (change.action === 'delete' || !change.data) return undefined;
  const key = change.type === 'response' ? 'assessmentId' : change.type === 'media' ? 'parentId' : undefined;
  const value = key ? change.data[key] : undefined;
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** Null when the change may go on to the conflict rule; otherwise why it fails. */
export function checkAccess(change: AccessSubject, view: AccessView): Rejection | null {
  if (!view.entityIds.has(change.entityId)) return rejected('FORBIDDEN', 'this entity is not assigned to you');
  if (change.action === 'delete' || !change.data) return null;
  if (change.type === 'response') {
    if (!ResponseDataSchema.safeParse(change.data).success)
      return rejected('VALIDATION', 'a response needs data.assessmentId, the id of an assessment');
    return checkReference(change, view, 'assessment');
  }
  if (change.type === 'media') {
    if (!MediaDataSchema.safeParse(change.data).success)
      return rejected('VALIDATION', 'a media record needs data.parentId, contentType, size, sha256 and fileName');
    return checkReference(change, view, undefined);
  }
  return null;
}

/** The referenced record must exist, belong to the same entity and not be deleted. */
function checkReference(change: AccessSubject, view: AccessView, type: RecordType | undefined): Rejection | null {
  const id = referencedId(change);
  const what = type ?? 'parent record';
  const target = id === undefined ? undefined : view.lookup(id);
  if (!target || (type !== undefined && target.type !== type)) return rejected('NOT_FOUND', `the ${what} does not exist`);
  // Entity before deletion, so nothing is revealed about another entity's records.
  if (target.entityId !== change.entityId) return rejected('FORBIDDEN', `the ${what} belongs to another entity`);
  if (target.deleted) return rejected('NOT_FOUND', `the ${what} is deleted`);
  return null;
}
