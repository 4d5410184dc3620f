// Imports a checked file of unsynced work (unsynced-file.ts) into the outbox, in one
// transaction, keeping each change's ORIGINAL change id: the server's idempotency log then
// applies each change once however many devices send it. Changes already in this outbox, or
// that the server is known to hold, are skipped. Imported entries count as sent (their content
// is fixed: a later local edit becomes a change of its own), and the clock moves past their stamps.
import { initialSyncState } from '@/core/outbox-state';
import type { FieldsyncDb, LocalRecord, OutboxEntry } from './db';
import { receiveStamps } from './device';
import { StorageQuotaError, isQuotaError } from './errors';
import type { ImportedEntry, ImportedRecord, UnsyncedFile } from './unsynced-file';

export interface ImportResult {
  /** Changes added to the outbox. */
  readonly imported: number;
  /** Changes this device already had, or that the server already holds. */
  readonly already: number;
}

/** The server holds exactly this change: this device pulled or pushed the record at its stamp. */
function heldByServer(e: ImportedEntry, local: LocalRecord | undefined): boolean {
  if (!local?.server) return false;
  // A record id is made once, on one device: the server having the record means it has the create.
  if (e.action === 'create') return true;
  return local.server.hlc === e.hlc;
}

function asLocal(r: ImportedRecord): LocalRecord {
  const { contentAvailable, ...rest } = r;
  return contentAvailable === undefined ? rest : { ...rest, contentAvailable };
}

/** The record as the device should show it once the file's work is on top. */
function merged(e: ImportedEntry, local: LocalRecord | undefined): LocalRecord | null {
  const exported: LocalRecord = e.record ? asLocal(e.record) : {
    id: e.recordId, type: e.type, entityId: e.entityId, data: e.data ?? {}, deleted: e.action === 'delete',
    version: e.baseVersion, hlc: e.hlc, updatedBy: null, server: null,
  };
  if (!local) return exported;
  // The device shows something newer than the file: keep it; the push settles the rest.
  if (local.hlc >= exported.hlc) return null;
  return { ...local, data: exported.data, deleted: exported.deleted, hlc: exported.hlc };
}

export async function importUnsynced(db: FieldsyncDb, file: Pick<UnsyncedFile, 'entries'>, now: number): Promise<ImportResult> {
  try {
    return await db.transaction('rw', [db.outbox, db.records, db.meta], async () => {
      const present = new Set(
        (await db.outbox.where('changeId').anyOf(file.entries.map((e) => e.changeId)).toArray()).map((e) => e.changeId),
      );
      const recordIds = [...new Set(file.entries.map((e) => e.recordId))];
      const records = new Map<string, LocalRecord>();
      (await db.records.bulkGet(recordIds)).forEach((r) => r && records.set(r.id, r));
      const fresh = file.entries.filter((e) => !present.has(e.changeId) && !heldByServer(e, records.get(e.recordId)));
      const entries = fresh.map(
        (e) =>
          ({
            ...initialSyncState,
            changeId: e.changeId, recordId: e.recordId, type: e.type, entityId: e.entityId, action: e.action,
            baseVersion: e.baseVersion, hlc: e.hlc, data: e.data, parentId: e.parentId,
            sent: true, createdAt: e.createdAt, updatedAt: now,
          }) as Omit<OutboxEntry, 'seq'> as OutboxEntry,
      );
      await db.outbox.bulkAdd(entries);
      // The newest imported change of each record decides what the record shows.
      const newest = new Map<string, ImportedEntry>();
      for (const e of fresh) newest.set(e.recordId, e);
      const changed: LocalRecord[] = [];
      for (const e of newest.values()) {
        const next = merged(e, records.get(e.recordId));
        if (next) changed.push(next);
      }
      await db.records.bulkPut(changed);
      await receiveStamps(db, fresh.map((e) => e.hlc), now);
      return { imported: fresh.length, already: file.entries.length - fresh.length };
    });
  } catch (e) {
    if (isQuotaError(e)) throw new StorageQuotaError(e);
    throw e;
  }
}
