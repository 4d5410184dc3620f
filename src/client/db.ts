// The device database (Dexie over IndexedDB): local records, the outbox, the user's entities
// and sync metadata. Opened with strict durability so a committed write survives a crash.
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { HlcState } from '@/core/hlc';
import type { SyncState } from '@/core/outbox-state';
import type { Action, Entity, RecordData, RecordType } from '@/protocol';

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

export interface MetaRow {
  readonly key: string;
  readonly value: unknown;
}

export class FieldsyncDb extends Dexie {
  records!: Table<LocalRecord, string>;
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  entities!: Table<Entity, string>;
  meta!: Table<MetaRow, string>;

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
