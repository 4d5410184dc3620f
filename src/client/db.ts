// The device database (Dexie over IndexedDB): local records, the outbox, the user's entities,
// sync metadata, and media bytes with their upload queue. Opened with strict durability so a
// committed write survives a crash.
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { HlcState } from '@/core/hlc';
import type { SyncState } from '@/core/outbox-state';
import type { UploadState } from '@/core/upload-state';
import type { Action, Entity, RecordData, RecordType } from '@/protocol';
import type { Form } from '@/protocol/forms';

/** What the server last confirmed or sent for a record. */
export interface ServerCopy {
  readonly version: number;
  readonly data: RecordData;
  readonly deleted: boolean;
  readonly hlc: string;
  readonly updatedBy: string | null;
}

export interface LocalRecord {
  readonly id: string;
  readonly type: RecordType;
  readonly entityId: string;
  /** What the user sees: the server's state with the device's unsynced edits on top. */
  readonly data: RecordData;
  readonly deleted: boolean;
  /** The server version the next local edit is based on (0: the server never had it). */
  readonly version: number;
  readonly hlc: string;
  readonly updatedBy: string | null;
  /** The server's state as last known; null while the server never had the record. */
  readonly server: ServerCopy | null;
  /** Media records: the server holds the bytes (from pull; absent when never said). */
  readonly contentAvailable?: boolean;
}

export type OutboxEntry = {
  readonly seq: number;
  readonly changeId: string;
  readonly recordId: string;
  readonly type: RecordType;
  readonly entityId: string;
  readonly action: Action;
  readonly baseVersion: number;
  readonly hlc: string;
  readonly data: RecordData | null;
  /** The record this one depends on (response → assessment, media → parent). */
  readonly parentId: string | null;
  /** Handed to the network at least once: its content is then fixed (no coalescing). */
  readonly sent: boolean;
  /** The server failed on it when it was sent alone: it goes in batches of its own (push.ts). */
  readonly alone?: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
} & SyncState;

/** A media record's bytes on this device. */
export interface MediaBlobRow {
  /** The media record's id. */
  readonly id: string;
  readonly blob: Blob;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  /** The server holds these bytes: the copy here may be evicted when storage runs short. */
  readonly confirmed: boolean;
  readonly lastUsedAt: number;
}

/** The upload of a media record's bytes made on this device (src/core/upload-state.ts). */
export type UploadRow = {
  /** The media record's id. */
  readonly id: string;
  readonly bytesTotal: number;
  /** The tus upload URL once created: resuming starts there after a reload. */
  readonly uploadUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
} & UploadState;

export interface MetaRow {
  readonly key: string;
  readonly value: unknown;
}

/** A published form version as GET /api/v1/forms gave it. */
export type FormRow = Form;

/** What a form held when last typed in, so nothing typed is lost (drafts.ts). */
export interface DraftRow {
  /** Which form: e.g. `assessment:edit:<id>`. */
  readonly key: string;
  readonly value: unknown;
  readonly savedAt: number;
}

export class FieldsyncDb extends Dexie {
  records!: Table<LocalRecord, string>;
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  entities!: Table<Entity, string>;
  meta!: Table<MetaRow, string>;
  mediaBlobs!: Table<MediaBlobRow, string>;
  uploads!: Table<UploadRow, string>;
  /** Published form versions, for filling forms offline (forms.ts); key `[id+version]`. */
  forms!: Table<FormRow, [string, number]>;
  /** Unsaved form contents by form key (drafts.ts). */
  drafts!: Table<DraftRow, string>;

  constructor(name: string, deps?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }) {
    super(name, { chromeTransactionDurability: 'strict', ...(deps ?? {}) });
    this.version(1).stores({
      records: 'id, entityId, type, [entityId+type]',
      outbox: '++seq, &changeId, recordId, status',
      entities: 'id',
      meta: 'key',
    });
    // [status+seq]: the unsettled entries in outbox order without reading the whole outbox
    // (outbox-scan.ts). Adding an index keeps every row; IndexedDB builds it from them.
    this.version(2).stores({ outbox: '++seq, &changeId, recordId, status, [status+seq]' });
    // Media bytes and their uploads; the blobs' lastUsedAt orders eviction (least recently used first).
    this.version(3).stores({ mediaBlobs: 'id, lastUsedAt', uploads: 'id, status' });
    // Form versions as the server last listed them (forms.ts).
    this.version(4).stores({ forms: '[id+version], id' });
    // Drafts of forms being filled in (drafts.ts).
    this.version(5).stores({ drafts: 'key' });
    // [entityId+type+hlc]: an entity's assessments newest or oldest first, read a page at a time
    // for lists of thousands (src/ui/hooks/use-list-query.ts).
    this.version(6).stores({ records: 'id, entityId, type, [entityId+type], [entityId+type+hlc]' });
    // settledAt: only settled entries (completed, conflict) have it, so pruning reads the
    // expired ones instead of walking the whole settled history after every run.
    this.version(7).stores({ outbox: '++seq, &changeId, recordId, status, [status+seq], settledAt' });
  }
}

export const META = {
  deviceId: 'deviceId',
  clock: 'clock',
  cursor: 'cursor',
  lastSyncedAt: 'lastSyncedAt',
  leaderState: 'leaderState',
  syncRequestedAt: 'syncRequestedAt',
  token: 'token',
} as const;

export async function getMeta<T>(db: FieldsyncDb, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function setMeta(db: FieldsyncDb, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

export type { HlcState };
