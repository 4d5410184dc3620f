// Local writes: create, update and delete of records. The record and its outbox entry are
// written in ONE Dexie transaction, with a UUID v7 id, the base version and an HLC stamp;
// repeated edits of a record not yet sent are coalesced (src/core/coalesce.ts). A full disk
// surfaces as StorageQuotaError: the save failed, nothing was half-written.
import { v7 as uuidv7 } from 'uuid';
import { type Edit, coalesce } from '@/core/coalesce';
import { initialSyncState } from '@/core/outbox-state';
import { IdSchema, MediaDataSchema, type RecordData, RecordDataSchema, type RecordType, ResponseDataSchema } from '@/protocol';
import type { FieldsyncDb, LocalRecord, OutboxEntry } from './db';
import { nextStamp } from './device';
import { RecordNotFoundError, RecordValidationError, StorageQuotaError, isQuotaError } from './errors';

export interface WriteContext {
  readonly db: FieldsyncDb;
  readonly now: () => number;
}

export interface CreateInput {
  readonly type: RecordType;
  readonly entityId: string;
  readonly data: RecordData;
  /** Normally generated (UUID v7). */
  readonly id?: string;
}

/** The record a record depends on: a response's assessment, a media's parent. */
export function parentOf(type: RecordType, data: RecordData | null): string | null {
  if (!data) return null;
  const p = type === 'response' ? data.assessmentId : type === 'media' ? data.parentId : undefined;
  return typeof p === 'string' ? p : null;
}

export function validateData(type: RecordType, data: RecordData): void {
  const base = RecordDataSchema.safeParse(data);
  if (!base.success) throw new RecordValidationError(`invalid ${type} data: ${base.error.issues[0]?.message ?? ''}`, base.error.issues);
  const rules = type === 'response' ? ResponseDataSchema : type === 'media' ? MediaDataSchema : null;
  const typed = rules?.safeParse(data);
  if (typed && !typed.success) throw new RecordValidationError(`invalid ${type} data`, typed.error.issues);
}

export async function createRecord(ctx: WriteContext, input: CreateInput): Promise<LocalRecord> {
  validateData(input.type, input.data);
  if (!IdSchema.safeParse(input.entityId).success) throw new RecordValidationError('entityId must be a UUID');
  const id = input.id ?? uuidv7();
  return guardQuota(() =>
    ctx.db.transaction('rw', [ctx.db.records, ctx.db.outbox, ctx.db.meta], async () => {
      if (await ctx.db.records.get(id)) throw new RecordValidationError(`record ${id} already exists`);
      const hlc = await nextStamp(ctx.db, ctx.now());
      const record: LocalRecord = {
        id, type: input.type, entityId: input.entityId, data: input.data, deleted: false,
        version: 0, hlc, updatedBy: null, server: null,
      };
      await write(ctx, record, { action: 'create', data: input.data }, hlc);
      return record;
    }),
  );
}

export async function updateRecord(ctx: WriteContext, id: string, data: RecordData): Promise<LocalRecord> {
  return editRecord(ctx, id, { action: 'update', data });
}

export async function deleteRecord(ctx: WriteContext, id: string): Promise<void> {
  await editRecord(ctx, id, { action: 'delete' });
}

async function editRecord(ctx: WriteContext, id: string, edit: Edit<RecordData>): Promise<LocalRecord> {
  return guardQuota(() =>
    ctx.db.transaction('rw', [ctx.db.records, ctx.db.outbox, ctx.db.meta], async () => {
      const current = await ctx.db.records.get(id);
      if (!current) throw new RecordNotFoundError(id);
      if (edit.data) validateData(current.type, edit.data);
      const hlc = await nextStamp(ctx.db, ctx.now());
      const record: LocalRecord =
        edit.action === 'delete'
          ? { ...current, deleted: true, hlc }
          : { ...current, data: edit.data as RecordData, deleted: false, hlc };
      await write(ctx, record, edit, hlc);
      return record;
    }),
  );
}

/** Inside the transaction: store the record and add, rewrite or drop its outbox entry. */
async function write(ctx: WriteContext, record: LocalRecord, edit: Edit<RecordData>, hlc: string): Promise<void> {
  const { db } = ctx;
  const now = ctx.now();
  const last = await db.outbox.where('recordId').equals(record.id).last();
  const open = last && !last.sent && last.status === 'pending' ? last : null;
  const decision = coalesce<RecordData>(open ? { action: open.action, ...(open.data ? { data: open.data } : {}) } : null, edit);
  switch (decision.kind) {
    case 'drop':
      // The create never left the device: the record and its change vanish together.
      await db.outbox.delete(open!.seq);
      await db.records.delete(record.id);
      return;
    case 'replace':
      await db.outbox.put({
        ...open!, action: decision.action, data: decision.data ?? null, hlc, updatedAt: now,
        parentId: parentOf(record.type, decision.data ?? open!.data),
      });
      break;
    case 'append': {
      const entry: Omit<OutboxEntry, 'seq'> = {
        ...initialSyncState,
        changeId: uuidv7(), recordId: record.id, type: record.type, entityId: record.entityId,
        action: decision.action, baseVersion: record.version, hlc, data: decision.data ?? null,
        parentId: parentOf(record.type, decision.data ?? record.data), sent: false, createdAt: now, updatedAt: now,
      };
      await db.outbox.add(entry as OutboxEntry);
      break;
    }
  }
  await db.records.put(record);
}

async function guardQuota<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isQuotaError(e)) throw new StorageQuotaError(e);
    throw e;
  }
}
