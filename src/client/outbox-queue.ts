// The outbox as the user and the engine's housekeeping see it: listing for the sync queue
// screen, counts per status, the user's retry and discard, pruning of settled entries after
// their retention, recovery of entries left `syncing` by a crash, and the JSON export of
// every unsynced entry.
import { v7 as uuidv7 } from 'uuid';
import { SYNC_STATUSES, type SyncStatus, isUnsynced, transition } from '@/core/outbox-state';
import { type FieldsyncDb, type LocalRecord, META, type OutboxEntry, getMeta } from './db';
import { OutboxActionError, OutboxEntryNotFoundError } from './errors';
import { currentUserId } from './token-user';
import { UNSYNCED_FORMAT, type UnsyncedExport, sealUnsyncedExport } from './unsynced-file';

export type StatusCounts = Record<SyncStatus, number>;

export async function listOutbox(db: FieldsyncDb): Promise<OutboxEntry[]> {
  return db.outbox.orderBy('seq').toArray();
}

/** All counts from one read-only transaction: one snapshot, so an entry moving from pending to syncing meanwhile is never counted twice or missed. */
export async function countByStatus(db: FieldsyncDb): Promise<StatusCounts> {
  const counts = await countEach(db, SYNC_STATUSES);
  return Object.fromEntries(SYNC_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as StatusCounts;
}

/** How many entries are in any of `statuses`. */
export async function countIn(db: FieldsyncDb, statuses: readonly SyncStatus[]): Promise<number> {
  return (await countEach(db, statuses)).reduce((a, b) => a + b, 0);
}

/** One index count per status in one read transaction (a cursor over a range would read every row). */
function countEach(db: FieldsyncDb, statuses: readonly SyncStatus[]): Promise<number[]> {
  return db.transaction('r', db.outbox, () => Promise.all(statuses.map((s) => db.outbox.where('status').equals(s).count())));
}

/**
 * The user retries an entry. A rejected entry gets a new change id: the server remembers its
 * answer per change id, and a rejected change was never applied, so a new id is safe.
 * A failed entry keeps its change id (its earlier send may have been applied).
 */
export async function retryEntry(db: FieldsyncDb, changeId: string, now: number): Promise<OutboxEntry> {
  return db.transaction('rw', db.outbox, async () => {
    const e = await db.outbox.where('changeId').equals(changeId).first();
    if (!e) throw new OutboxEntryNotFoundError(changeId);
    if (e.status !== 'rejected' && e.status !== 'failed') throw new OutboxActionError(`cannot retry an entry that is ${e.status}`);
    const next = {
      ...e,
      ...transition(e, { type: 'retry' }),
      ...(e.status === 'rejected' ? { changeId: uuidv7(), sent: false } : {}),
      updatedAt: now,
    } as OutboxEntry;
    await db.outbox.put(next);
    return next;
  });
}

/**
 * The user discards an entry (explicit action: the only way unsynced work is dropped). When the
 * record has no other unsynced work left, it goes back to the server's state (or away, if the
 * server never had it). Returns the entry discarded.
 */
export async function discardEntry(db: FieldsyncDb, changeId: string): Promise<OutboxEntry> {
  return db.transaction('rw', [db.outbox, db.records], async () => {
    const e = await db.outbox.where('changeId').equals(changeId).first();
    if (!e) throw new OutboxEntryNotFoundError(changeId);
    if (e.status === 'syncing') throw new OutboxActionError('cannot discard an entry while it is being sent');
    await db.outbox.delete(e.seq);
    if (!isUnsynced(e.status)) return e;
    const rest = await db.outbox.where('recordId').equals(e.recordId).filter((x) => isUnsynced(x.status)).count();
    if (rest > 0) return e;
    const rec = await db.records.get(e.recordId);
    if (!rec) return e;
    if (!rec.server) {
      await db.records.delete(rec.id);
      return e;
    }
    const s = rec.server;
    const reverted: LocalRecord = { ...rec, data: s.data, deleted: s.deleted, version: s.version, hlc: s.hlc, updatedBy: s.updatedBy };
    await db.records.put(reverted);
    return e;
  });
}

/** Removes completed and conflict entries settled more than `retentionMs` ago. */
export async function pruneSettled(db: FieldsyncDb, now: number, retentionMs: number): Promise<number> {
  const cutoff = now - retentionMs;
  return db.outbox
    .where('settledAt')
    .belowOrEqual(cutoff)
    .filter((e) => e.status === 'completed' || e.status === 'conflict')
    .delete();
}

/** After a crash or reload: entries left `syncing` go back to pending with the same change id. */
export async function recoverInFlight(db: FieldsyncDb, now: number): Promise<number> {
  return db.transaction('rw', db.outbox, async () => {
    const stuck = await db.outbox.where('status').equals('syncing').toArray();
    await db.outbox.bulkPut(stuck.map((e) => ({ ...e, ...transition(e, { type: 'returned', reason: 'interrupted; will be sent again' }), updatedAt: now }) as OutboxEntry));
    return stuck.length;
  });
}

export type { UnsyncedExport } from './unsynced-file';

/**
 * Every unsynced entry with its record, as JSON, for the user to save somewhere safe; it names
 * the user and carries its checksum, so it can be imported on another device (unsynced-file.ts).
 */
export async function exportUnsynced(db: FieldsyncDb, now: number): Promise<string> {
  const doc = await db.transaction('r', [db.outbox, db.records, db.meta], async (): Promise<UnsyncedExport> => {
    const entries = (await listOutbox(db)).filter((e) => isUnsynced(e.status));
    const records = await db.records.bulkGet(entries.map((e) => e.recordId));
    return {
      format: UNSYNCED_FORMAT,
      exportedAt: new Date(now).toISOString(),
      deviceId: (await getMeta<string>(db, META.deviceId)) ?? null,
      userId: await currentUserId(db),
      entries: entries.map((e, i) => ({ ...e, record: records[i] ?? null })),
    };
  });
  // Hashed after the transaction: awaiting the digest inside it would end the transaction.
  return sealUnsyncedExport(doc);
}
