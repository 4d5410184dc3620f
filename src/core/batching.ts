// Choosing the next push batch from the outbox (issue 4 "Push"). Pure.
// Rules, walking the unsettled entries in outbox order:
//   - only pending and failed entries are sent; at most `maxChanges` and about `maxBytes`;
//   - a record's changes go in order, one per batch (the next one needs the version the server
//     gives the previous), so an earlier unsent change of a record holds back the later ones;
//   - a parent before what depends on it: a change whose parent record (a response's assessment,
//     a media's parent) has a create not yet confirmed and not earlier in this batch waits;
//   - a rejected change holds back only its dependants: later changes of a record whose create
//     was rejected, and children of that record. A rejected update or delete holds back nothing.
import type { SyncStatus } from './outbox-state';

export interface BatchCandidate {
  readonly recordId: string;
  readonly action: 'create' | 'update' | 'delete';
  /** The record this one depends on, if any (response → assessment, media → parent). */
  readonly parentId: string | null;
  readonly status: SyncStatus;
  /** Encoded size of the change on the wire. */
  readonly bytes: number;
}

export interface BatchLimits {
  readonly maxChanges: number;
  readonly maxBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxChanges: 100, maxBytes: 1024 * 1024 };

/** Bytes of the request envelope around the changes (`{"deviceId":"…","changes":[]}`), generously. */
export const ENVELOPE_BYTES = 200;

/** The entries to send next, in order; `candidates` are the unsettled entries in outbox order. */
export function selectBatch<C extends BatchCandidate>(candidates: readonly C[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): C[] {
  const batch: C[] = [];
  const inBatch = new Set<string>();
  const heldRecords = new Set<string>();
  const unconfirmedCreates = new Set<string>();
  let bytes = ENVELOPE_BYTES;
  for (const c of candidates) {
    const sendable = c.status === 'pending' || c.status === 'failed';
    const held =
      heldRecords.has(c.recordId) || inBatch.has(c.recordId) || (c.parentId !== null && unconfirmedCreates.has(c.parentId));
    if (sendable && !held) {
      if (batch.length >= limits.maxChanges) break;
      if (batch.length > 0 && bytes + c.bytes + 1 > limits.maxBytes) break;
      batch.push(c);
      inBatch.add(c.recordId);
      bytes += c.bytes + 1;
      continue;
    }
    if (c.status === 'rejected' && c.action !== 'create' && !held) continue;
    heldRecords.add(c.recordId);
    if (c.action === 'create') unconfirmedCreates.add(c.recordId);
  }
  return batch;
}
