// Records as this server last stored or read them, by id: the most recently touched ones, up to
// a bound. A record's content at a given version never changes (every write sets a new version:
// push, restore_loser; migration 0004 refuses an update that does not; a record is never removed,
// a delete is a tombstone), so a state known at version V is the stored one whenever the stored
// version is V. That lets the start guess (guess-start.ts) carry a whole record, stamp and data
// included, and the guarded write (guarded-write.ts) check it by its version alone: a batch
// that conflicts with a recent write is then decided and written in one statement, where it
// needed a read and a write. A state here may be out of date (another process wrote since);
// the check then fails and the batch goes the long way, whose read refreshes it.
// Only committed states come in: records read, and records written once their write committed.
import type { RecordState } from '@/core/apply-change';
import type { RecordData } from '@/protocol/records';
import { textRecordState } from './record-state';

/** ~20,000 records of ~0.6 KB of JSON: ~15 MB, held as text. */
export const RECENT_RECORDS = 20_000;

export class RecentRecords {
  private readonly states = new Map<string, RecordState>();

  constructor(private readonly max = RECENT_RECORDS) {}

  /** The record as last known, as a new object (parsing its data fills in nothing kept here). */
  get(id: string): RecordState | undefined {
    const state = this.states.get(id);
    return state === undefined ? undefined : textRecordState(state);
  }

  /** Remembers each record's state; `texts` gives the JSON text of data objects serialized already. */
  remember(records: Iterable<readonly [string, RecordState]>, texts?: ReadonlyMap<RecordData, string>): void {
    if (this.max === 0) return;
    for (const [id, state] of records) {
      const known = this.states.get(id);
      // Never back to an older version (a read that raced a newer write).
      if (known !== undefined && known.version > state.version) continue;
      this.states.delete(id);
      this.states.set(id, known?.version === state.version ? known : textRecordState(state, texts?.get(state.data)));
    }
    // Map keeps insertion order: the first keys are the least recently touched.
    for (const id of this.states.keys()) {
      if (this.states.size <= this.max) break;
      this.states.delete(id);
    }
  }

  get size(): number {
    return this.states.size;
  }
}
