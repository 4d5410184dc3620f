// A push from a device that is read first (guess-hints.ts) reads its records whatever its
// changes turn out to be. So that read is sent as soon as the body is JSON, on the ids the body
// names, and PostgreSQL reads while the changes are checked, which otherwise sits on the push's
// critical path.
// The ids are taken loosely from the unchecked body (any string shaped like a UUID where a
// checked change takes its ids), so they name at least every id the checked batch needs; the
// push uses the read only if it covers them (it always should), and reads again otherwise.
import { MAX_CHANGES_PER_BATCH } from '@/protocol/limits';
import type { Executor } from '../../db/database';
import type { GuessHints } from './guess-hints';
import { type CallerAndBatch, loadCallerAndBatch } from './load-batch';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Where a change's data names another record (change-access.ts referencedId): by its type. */
const REFERENCE_KEYS: Readonly<Record<string, string>> = { response: 'assessmentId', media: 'parentId' };

export interface BatchKeys {
  readonly recordIds: readonly string[];
  readonly changeIds: readonly string[];
}

export interface EarlyRead {
  /** Whether the read took in every id of `keys`. */
  covers(keys: BatchKeys): boolean;
  readonly result: Promise<CallerAndBatch>;
  /**
   * Resolves on the next turn of the event loop, by when the read has gone out: pg-pool hands a
   * query to an idle connection on process.nextTick, which runs only once the promise jobs
   * queued now have run, and checking the changes would be one of them.
   */
  readonly sent: Promise<void>;
}

/**
 * The push's read, sent now, for a device that is read first; null for one that is guessed, or
 * a body without a changes array of at most MAX_CHANGES_PER_BATCH.
 */
export function startEarlyRead(db: Executor, hints: GuessHints, userId: string, body: unknown): EarlyRead | null {
  if (!isObject(body) || typeof body.deviceId !== 'string' || hints.shouldGuess(userId, body.deviceId)) return null;
  // A batch over the limit is refused (400) before anything is read: no read for it either.
  if (!Array.isArray(body.changes) || body.changes.length > MAX_CHANGES_PER_BATCH) return null;
  const keys = rawKeys(body.changes);
  if (keys === null) return null;
  const result = loadCallerAndBatch(db, userId, keys.recordIds, keys.changeIds);
  // Unused when the body turns out invalid (400): its failure is not to go unhandled.
  result.catch(() => {});
  return {
    covers: (needed) => keysCover(keys, needed),
    result,
    sent: new Promise((resolve) => setImmediate(resolve)),
  };
}

/** Every UUID-shaped change id, record id and data reference of the raw changes, lowercased; null when `changes` is not an array. */
export function rawKeys(changes: unknown): { recordIds: string[]; changeIds: string[] } | null {
  if (!Array.isArray(changes)) return null;
  const recordIds = new Set<string>();
  const changeIds = new Set<string>();
  for (const c of changes) {
    if (!isObject(c)) continue;
    if (isUuid(c.changeId)) changeIds.add(c.changeId.toLowerCase());
    if (isUuid(c.recordId)) recordIds.add(c.recordId.toLowerCase());
    const refKey = typeof c.type === 'string' ? REFERENCE_KEYS[c.type] : undefined;
    const ref = refKey !== undefined && isObject(c.data) ? c.data[refKey] : undefined;
    if (isUuid(ref)) recordIds.add(ref.toLowerCase());
  }
  return { recordIds: [...recordIds], changeIds: [...changeIds] };
}

/** Whether `read` holds every id of `needed`. */
export function keysCover(read: BatchKeys, needed: BatchKeys): boolean {
  const records = new Set(read.recordIds);
  const changes = new Set(read.changeIds);
  return needed.recordIds.every((id) => records.has(id)) && needed.changeIds.every((id) => changes.has(id));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}
