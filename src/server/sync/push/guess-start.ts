// A guess, from the batch alone, of how its records stand before it: a create's record does
// not exist yet; an update's or delete's exists at the version it was based on, in its entity,
// as its type, not deleted; a referenced assessment or parent exists in the same entity, not
// deleted. The caller is guessed to hold every entity the batch names, and no change id to have
// been seen before.
//
// A record this server stored or read recently (recent-records.ts) is guessed as it was then,
// whole: at its version, with its stamp, author and data, which the version pins (a record's
// content at a version never changes). So a batch that conflicts with a recent write, or
// deletes a recent record, is guessed too. An update based on a version later than the one
// known is guessed as above instead: what is known is out of date.
//
// Why: a batch decided on the guess can be written in one statement that first checks the guess
// against the database (guarded-write.ts), so the common push costs one round trip instead of a
// read and a write. Nothing else of a record is guessed: reading the data, stamp or author of a
// record not known whole throws GuessTooShort, and the batch goes the long way. So when the
// checks hold, the decision on the guess is the decision on the database: planBatch is
// deterministic, and it read only what the checks compared or what their version pins.
// Pure: what is known comes in as `known`.
import type { RecordState } from '@/core/apply-change';
import { referencedId } from '@/core/change-access';
import { IdSchema, type RecordData, type RecordType } from '@/protocol/records';
import type { BatchItem } from './parse-batch';
import { type BatchPlan, type PlanInput, planBatch } from './plan-batch';

/** What the checks compare for one record id; a field left out was not guessed. */
export interface Expectation {
  readonly id: string;
  readonly exists: boolean;
  readonly version?: number;
  readonly type?: RecordType;
  readonly entityId?: string;
  readonly deleted?: boolean;
}

export interface StartGuess {
  /** Records guessed to exist, by id, as planBatch reads them. */
  readonly records: ReadonlyMap<string, RecordState>;
  /** One per record id the batch names (targets and references), as batchKeys lists them. */
  readonly expectations: readonly Expectation[];
  /** Every entity the batch's changes name, once each. */
  readonly entityIds: readonly string[];
}

/** Thrown when deciding the batch needed a field the guess does not have. */
export class GuessTooShort extends Error {
  constructor(field: string) {
    super(`the start guess has no ${field}`);
    this.name = 'GuessTooShort';
  }
}

/** Records known whole, by id (recent-records.ts). */
export interface KnownRecords {
  get(id: string): RecordState | undefined;
}

const NOTHING_KNOWN: KnownRecords = { get: () => undefined };

export function guessStart(items: readonly BatchItem[], known: KnownRecords = NOTHING_KNOWN): StartGuess {
  const expectations = new Map<string, Expectation>();
  const whole = new Map<string, RecordState>();
  const entityIds = new Set<string>();
  // The first guess of an id stands; a record known whole is guessed as known, unless `usable` says otherwise.
  const guess = (e: Expectation, usable: (k: RecordState) => boolean = () => true) => {
    if (expectations.has(e.id)) return;
    const k = known.get(e.id);
    if (k === undefined || !usable(k)) return void expectations.set(e.id, e);
    expectations.set(e.id, { id: e.id, exists: true, version: k.version, type: k.type, entityId: k.entityId, deleted: k.deleted });
    whole.set(e.id, k);
  };
  for (const item of items) {
    if (item.kind !== 'valid') continue;
    const c = item.change;
    entityIds.add(c.entityId);
    // In the order planBatch looks: the reference (access check) before the record itself.
    const ref = referencedId(c);
    if (ref !== undefined && IdSchema.safeParse(ref).success)
      guess({ id: ref, exists: true, entityId: c.entityId, deleted: false, ...(c.type === 'response' ? { type: 'assessment' as const } : {}) });
    if (c.action === 'create') guess({ id: c.recordId, exists: false });
    // Known at a version older than the change's base: out of date.
    else guess({ id: c.recordId, exists: true, version: c.baseVersion, type: c.type, entityId: c.entityId, deleted: false }, (k) => k.version >= c.baseVersion);
  }
  const records = new Map<string, RecordState>();
  for (const e of expectations.values()) if (e.exists) records.set(e.id, whole.get(e.id) ?? new GuessedRecord(e));
  return { records, expectations: [...expectations.values()], entityIds: [...entityIds] };
}

/**
 * A record whose guessed fields read as guessed and whose other fields throw GuessTooShort.
 * A class with getters on its prototype: objects that each define their own getters are slow
 * to make and to read, and a batch of updates makes a hundred.
 */
class GuessedRecord implements RecordState {
  constructor(private readonly e: Expectation) {}
  get type(): RecordType {
    return known(this.e.type, 'type');
  }
  get entityId(): string {
    return known(this.e.entityId, 'entityId');
  }
  get version(): number {
    return known(this.e.version, 'version');
  }
  get deleted(): boolean {
    return known(this.e.deleted, 'deleted');
  }
  get data(): RecordData {
    throw new GuessTooShort('data');
  }
  get hlc(): string {
    throw new GuessTooShort('hlc');
  }
  get updatedBy(): string {
    throw new GuessTooShort('updatedBy');
  }
  get deviceId(): string {
    throw new GuessTooShort('deviceId');
  }
}

function known<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new GuessTooShort(field);
  return value;
}

export interface GuessedPlan {
  readonly guess: StartGuess;
  readonly plan: BatchPlan;
}

/** The batch decided on its start guess, or null when deciding needed more than the guess. */
export function planOnGuess(input: Omit<PlanInput, 'entityIds' | 'records' | 'seen'>, known?: KnownRecords): GuessedPlan | null {
  const guess = guessStart(input.items, known);
  try {
    return { guess, plan: planBatch({ ...input, entityIds: guess.entityIds, records: guess.records, seen: new Map() }) };
  } catch (e) {
    if (e instanceof GuessTooShort) return null;
    throw e;
  }
}
