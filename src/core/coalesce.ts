// Coalescing of offline edits. When a record is edited again before
// its previous change left the device, the two become one change, so the outbox holds at most
// one unsent change per record and sends only what the server needs to reach the latest state:
//
//   open entry   new edit   result
//   (none)       any        append the edit
//   create       update     replace: create with the new data
//   create       delete     drop: nothing to send (the server never saw the record)
//   update       update     replace: update with the new data (same base version)
//   update       delete     replace: delete
//   delete       update     replace: update (brings the record back, as the protocol allows)
//   delete       delete     replace: delete
//
// "Open" means the newest outbox entry of the record AND one that has never been handed to the
// network: an entry that was sent (even if its answer was lost) is immutable, because the server
// may already have stored it under its change id and would answer a re-send with the old result.
// Pure: the caller decides which entry is open.
export type EditAction = 'create' | 'update' | 'delete';

export interface Edit<D> {
  readonly action: EditAction;
  /** Required for create and update; ignored for delete. */
  readonly data?: D;
}

export type CoalesceDecision<D> =
  | { readonly kind: 'append'; readonly action: EditAction; readonly data?: D }
  | { readonly kind: 'replace'; readonly action: EditAction; readonly data?: D }
  | { readonly kind: 'drop' };

export class InvalidEditError extends Error {
  override readonly name = 'InvalidEditError';
}

/** What to do with a new edit, given the record's open (unsent, newest) outbox entry if any. */
export function coalesce<D>(open: Edit<D> | null, edit: Edit<D>): CoalesceDecision<D> {
  if (edit.action !== 'delete' && edit.data === undefined) throw new InvalidEditError(`${edit.action} needs data`);
  if (edit.action === 'create') {
    if (open) throw new InvalidEditError('create of a record that already has a change');
    return { kind: 'append', action: 'create', data: edit.data as D };
  }
  if (!open) return edit.action === 'delete' ? { kind: 'append', action: 'delete' } : { kind: 'append', action: 'update', data: edit.data as D };
  if (open.action === 'create') {
    return edit.action === 'delete' ? { kind: 'drop' } : { kind: 'replace', action: 'create', data: edit.data as D };
  }
  return edit.action === 'delete' ? { kind: 'replace', action: 'delete' } : { kind: 'replace', action: 'update', data: edit.data as D };
}
