// Reads the unsettled outbox entries (pending, syncing, failed, rejected) in outbox order, a page
// at a time, through the [status+seq] index: a merge of one seq-ordered run per status. The
// reader stops as soon as it has what it needs, so choosing a batch of 100 from a queue of
// 10,000 reads a page, not the queue, and never walks the settled history.
import Dexie from 'dexie';
import type { FieldsyncDb, OutboxEntry } from './db';

export const UNSETTLED = ['pending', 'syncing', 'failed', 'rejected'] as const;

/** Entries read per status per page. */
export const SCAN_PAGE = 256;

/**
 * Calls `visit` with the unsettled entries in seq order until it returns false or none is left.
 * Run it inside a transaction over `db.outbox` to see one consistent outbox.
 */
export async function scanUnsettled(db: FieldsyncDb, visit: (e: OutboxEntry) => boolean, pageSize = SCAN_PAGE): Promise<void> {
  let after = 0; // seqs start at 1
  for (;;) {
    const runs: OutboxEntry[][] = [];
    for (const status of UNSETTLED)
      runs.push(await db.outbox.where('[status+seq]').between([status, after], [status, Dexie.maxKey], false, true).limit(pageSize).toArray());
    // A run that came back full may go on past its last entry: only entries up to the lowest
    // such last seq are known to be complete in every run.
    let bound = Infinity;
    for (const run of runs) if (run.length === pageSize) bound = Math.min(bound, run[run.length - 1]!.seq);
    const page = runs.flat().filter((e) => e.seq <= bound).sort((a, b) => a.seq - b.seq);
    for (const e of page) if (!visit(e)) return;
    if (bound === Infinity) return;
    after = bound;
  }
}
