// A copy of the device's unsynced work outside IndexedDB (copy-store.ts), so that a browser that
// deletes the database by itself (Chromium does when it finds it damaged after a crash) does not
// take that work with it. Each record with unsynced work (changes not yet settled, or bytes not
// yet uploaded) has one copy: its changes and the record as the user last saw it; each photo not
// yet uploaded has a copy of its bytes. Copies are written after each local write commits, and
// swept once the server holds what they hold. A database that opens new finds the copies and
// imports them with their ORIGINAL change ids, so the server applies each change once even when
// an earlier send had already reached it.
import { isUnsynced } from '@/core/outbox-state';
import { MediaDataSchema } from '@/protocol';
import type { CopyStore } from './copy-store';
import type { FieldsyncDb, LocalRecord, OutboxEntry, UploadRow } from './db';
import type { Locks } from './env';
import { importUnsynced } from './import-unsynced';
import { newMediaRows } from './media/attach';
import { sha256Hex } from './media/sha256';
import { type ImportedEntry, checkEntry, checkRecord } from './unsynced-file';

const COPY_FORMAT = 'fieldsync-copy/1';
const RECORD = 'record/';
const MEDIA = 'media/';

interface RecordCopy {
  readonly format: typeof COPY_FORMAT;
  readonly record: LocalRecord | null;
  readonly entries: readonly OutboxEntry[];
}

/** What a new database got back from the copies. */
export interface RestoredWork {
  /** Changes put back in the outbox. */
  readonly changes: number;
  /** Photos whose bytes are back, to upload. */
  readonly photos: number;
}

function uploading(u: UploadRow | undefined): boolean {
  return u !== undefined && u.status !== 'uploaded';
}

export class SafetyCopy {
  /** Every operation of this tab in order: a sweep never deletes a copy written after it read the outbox. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: FieldsyncDb,
    private readonly store: CopyStore,
    /** Orders the operations of all tabs on this database; null: this tab's only. */
    private readonly locks: Locks | null,
    private readonly lockName: string,
  ) {}

  private run<T>(op: () => Promise<T>): Promise<T> {
    const exclusive = () => {
      if (!this.locks) return op();
      let out!: T;
      return this.locks.request(this.lockName, async () => void (out = await op())).then(() => out);
    };
    const next = this.chain.then(exclusive, exclusive);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Brings the copies of these records in line with their unsynced work (none: no copy). */
  saveRecords(recordIds: readonly string[]): Promise<void> {
    return this.run(async () => {
      const ids = [...new Set(recordIds)];
      const { records, entries, uploads } = await this.db.transaction('r', [this.db.records, this.db.outbox, this.db.uploads], async () => ({
        records: await this.db.records.bulkGet(ids),
        entries: await this.db.outbox.where('recordId').anyOf(ids).toArray(),
        uploads: await this.db.uploads.bulkGet(ids),
      }));
      await Promise.all(
        ids.map((id, i) => {
          const mine = entries.filter((e) => e.recordId === id && isUnsynced(e.status));
          if (mine.length === 0 && !uploading(uploads[i])) return this.store.delete(RECORD + id);
          const copy: RecordCopy = { format: COPY_FORMAT, record: records[i] ?? null, entries: mine };
          return this.store.put(RECORD + id, new Blob([JSON.stringify(copy)], { type: 'application/json' }));
        }),
      );
    });
  }

  /** Copies a photo's bytes while they are not uploaded. */
  saveMedia(mediaId: string): Promise<void> {
    return this.run(async () => {
      const row = await this.db.mediaBlobs.get(mediaId);
      if (row && !row.confirmed) await this.store.put(MEDIA + mediaId, new Blob([row.blob], { type: row.contentType }));
    });
  }

  /** Deletes the copies of records with no unsynced work left, and of photos uploaded or gone. */
  sweep(): Promise<number> {
    return this.run(async () => {
      const keys = await this.store.keys();
      const recordIds = keys.filter((k) => k.startsWith(RECORD)).map((k) => k.slice(RECORD.length));
      const mediaIds = keys.filter((k) => k.startsWith(MEDIA)).map((k) => k.slice(MEDIA.length));
      const { unsynced, uploadingIds } = await this.db.transaction('r', [this.db.outbox, this.db.uploads], async () => ({
        unsynced: new Set(
          (await this.db.outbox.where('recordId').anyOf(recordIds).toArray()).filter((e) => isUnsynced(e.status)).map((e) => e.recordId),
        ),
        uploadingIds: new Set((await this.db.uploads.bulkGet([...recordIds, ...mediaIds])).filter(uploading).map((u) => u!.id)),
      }));
      const stale = [
        ...recordIds.filter((id) => !unsynced.has(id) && !uploadingIds.has(id)).map((id) => RECORD + id),
        ...mediaIds.filter((id) => !uploadingIds.has(id)).map((id) => MEDIA + id),
      ];
      await Promise.all(stale.map((k) => this.store.delete(k)));
      return stale.length;
    });
  }

  /**
   * For a database that opened new: imports every copied change (in the order the device made
   * them) and the bytes of every copied photo whose record came back, with a fresh upload.
   * A copy that fails the checks of an imported file is left out.
   */
  restore(now: number): Promise<RestoredWork> {
    return this.run(async () => {
      const keys = await this.store.keys();
      const copies = await Promise.all(keys.filter((k) => k.startsWith(RECORD)).map((k) => this.readRecordCopy(k)));
      const entries = copies
        .flatMap((c) => c.entries)
        .sort((a, b) => a.seq - b.seq)
        .map((x) => x.entry);
      const { imported } = await importUnsynced(this.db, { entries }, now);
      // A photo whose record the server already had, but not its bytes: the record comes back as it was.
      const settled = copies.filter((c) => c.entries.length === 0 && c.record).map((c) => c.record!);
      await this.db.transaction('rw', this.db.records, async () => {
        const present = await this.db.records.bulkGet(settled.map((r) => r.id));
        await this.db.records.bulkPut(settled.filter((_, i) => !present[i]));
      });
      let photos = 0;
      for (const key of keys.filter((k) => k.startsWith(MEDIA))) if (await this.restoreMedia(key.slice(MEDIA.length), now)) photos += 1;
      return { changes: imported, photos };
    });
  }

  private async readRecordCopy(key: string): Promise<{ record: LocalRecord | null; entries: Array<{ seq: number; entry: ImportedEntry }> }> {
    const none = { record: null, entries: [] };
    try {
      const copy = JSON.parse((await (await this.store.get(key))?.text()) ?? 'null') as Partial<RecordCopy> | null;
      if (copy?.format !== COPY_FORMAT || !Array.isArray(copy.entries)) return none;
      return {
        record: copy.record && checkRecord(copy.record) ? copy.record : null,
        entries: copy.entries.flatMap((e) => {
          const entry = checkEntry({ ...e, record: copy.record ?? null });
          return entry && typeof e.seq === 'number' ? [{ seq: e.seq, entry }] : [];
        }),
      };
    } catch {
      return none; // damaged: nothing to take from it
    }
  }

  private async restoreMedia(id: string, now: number): Promise<boolean> {
    const record = await this.db.records.get(id);
    const data = record?.type === 'media' ? MediaDataSchema.safeParse(record.data) : null;
    if (!data?.success || (await this.db.mediaBlobs.get(id))) return false;
    const blob = await this.store.get(MEDIA + id);
    // Bytes that no longer match their record would be refused by the server: leave them out.
    if (!blob || blob.size !== data.data.size || (await sha256Hex(blob)) !== data.data.sha256) return false;
    const rows = newMediaRows(id, new Blob([blob], { type: data.data.contentType }), data.data.sha256, data.data.contentType, now);
    await this.db.transaction('rw', [this.db.mediaBlobs, this.db.uploads], async () => {
      await this.db.mediaBlobs.put(rows.blob);
      await this.db.uploads.put(rows.upload);
    });
    return true;
  }
}
