// Choosing the next push batch from the outbox. Pure.
// Rules, walking the unsettled entries in outbox order:
//   - only pending and failed entries are sent; at most `maxChanges` and about `maxBytes`;
//   - a record's changes go in order, one per batch (the next one needs the version the server
//     gives the previous), so an earlier unsent change of a record holds back the later ones;
//   - a parent before what depends on it: a change whose parent record (a response's assessment,
//     a media's parent) has a create not yet confirmed and not earlier in this batch waits;
//   - a rejected change holds back only its dependants: later changes of a record whose create
//     was rejected, and children of that record. A rejected update or delete holds back nothing;
//   - a change marked `alone` (the server failed on it when it was isolated) goes in a batch of
//     its own, so it cannot fail the changes sent with it; until then it holds back what a
//     pending change would.
import type { SyncStatus } from './outbox-state';

export interface BatchCandidate {
  readonly recordId: string;
  readonly action: 'create' | 'update' | 'delete';
  /** The record this one depends on, if any (response → assessment, media → parent). */
  readonly parentId: string | null;
  readonly status: SyncStatus;
  /** Encoded size of the change on the wire. */
  readonly bytes: number;
  /** Sent only in a batch of its own. */
  readonly alone?: boolean;
}

export interface BatchLimits {
  readonly maxChanges: number;
  readonly maxBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxChanges: 100, maxBytes: 1024 * 1024 };

/** Bytes of the request envelope around the changes (`{"deviceId":"…","changes":[]}`), generously. */
export const ENVELOPE_BYTES = 200;

/**
 * The batch, built one entry at a time in outbox order, so a caller reading the outbox lazily can
 * stop as soon as the batch is full. Only earlier entries decide whether an entry is held back,
 * so feeding a prefix of the outbox gives exactly what the whole outbox would give.
 */
export class BatchSelector<C extends Omit<BatchCandidate, 'bytes'>> {
  readonly batch: C[] = [];
  private readonly inBatch = new Set<string>();
  private readonly heldRecords = new Set<string>();
  private readonly unconfirmedCreates = new Set<string>();
  private bytes = ENVELOPE_BYTES;
  private closed = false;

  constructor(private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS) {}

  /** No later entry can join the batch: stop reading. */
  get done(): boolean {
    return this.closed || this.batch.length >= this.limits.maxChanges;
  }

  /**
   * Offers the next unsettled entry; `size` (its encoded bytes) is asked only for an entry that
   * could join the batch. Returns false once the batch is complete.
   */
  offer(c: C, size: (c: C) => number): boolean {
    if (this.done) return false;
    const sendable = c.status === 'pending' || c.status === 'failed';
    const held =
      this.heldRecords.has(c.recordId) || this.inBatch.has(c.recordId) || (c.parentId !== null && this.unconfirmedCreates.has(c.parentId));
    if (sendable && !held && c.alone === true) {
      if (this.batch.length > 0) {
        // It goes in a batch of its own; what follows it may still join this one.
        this.heldRecords.add(c.recordId);
        if (c.action === 'create') this.unconfirmedCreates.add(c.recordId);
        return true;
      }
      this.batch.push(c);
      this.closed = true;
      return false;
    }
    if (sendable && !held) {
      const bytes = size(c);
      if (this.batch.length > 0 && this.bytes + bytes + 1 > this.limits.maxBytes) {
        this.closed = true;
        return false;
      }
      this.batch.push(c);
      this.inBatch.add(c.recordId);
      this.bytes += bytes + 1;
      return !this.done;
    }
    if (c.status === 'rejected' && c.action !== 'create' && !held) return true;
    this.heldRecords.add(c.recordId);
    if (c.action === 'create') this.unconfirmedCreates.add(c.recordId);
    return true;
  }
}

/** The entries to send next, in order; `candidates` are the unsettled entries in outbox order. */
export function selectBatch<C extends BatchCandidate>(candidates: readonly C[], limits: BatchLimits = DEFAULT_BATCH_LIMITS): C[] {
  const selector = new BatchSelector<C>(limits);
  for (const c of candidates) if (!selector.offer(c, (x) => x.bytes)) break;
  return selector.batch;
}
