// A media record as the content endpoints need it, and who may touch its content. Writing
// (uploading) follows the push's access rule (core/change-access.ts), reading the pull's: the
// record's entity is one of the caller's.
import { sql } from 'drizzle-orm';
import { checkAccess } from '@/core/change-access';
import { type RecordData, MediaDataSchema } from '@/protocol/records';
import type { Caller } from '../auth/authenticate';
import { type Executor, rows } from '../db/database';
import { ApiError, forbidden, notFound } from '../http/api-error';

export interface MediaRecord {
  readonly id: string;
  readonly entityId: string;
  readonly deleted: boolean;
  readonly data: RecordData;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadMediaRecord(ex: Executor, id: string): Promise<MediaRecord | null> {
  if (!UUID.test(id)) return null;
  const [row] = await rows<{ id: string; entity_id: string; deleted: boolean; data: RecordData }>(
    ex,
    sql`select id, entity_id, deleted, data from records where id = ${id.toLowerCase()}::uuid and type = 'media'`,
  );
  return row ? { id: row.id, entityId: row.entity_id, deleted: row.deleted, data: row.data } : null;
}

/** 404 for no such media record, 403 for another entity's (the push's rule), 404 for a tombstone. */
export function requireWritable(caller: Caller, record: MediaRecord | null): MediaRecord {
  if (!record) throw notFound('no media record has this id');
  const denied = checkAccess(
    { type: 'media', action: 'update', entityId: record.entityId },
    { entityIds: new Set(caller.entityIds), lookup: () => undefined },
  );
  if (denied) throw new ApiError(denied.code === 'FORBIDDEN' ? 403 : 400, denied.code, denied.message);
  if (record.deleted) throw notFound('the media record is deleted');
  return record;
}

/** 404 for no such media record, 403 for one of an entity the caller may not read. */
export function requireReadable(caller: Caller, record: MediaRecord | null): MediaRecord {
  if (!record) throw notFound('no media record has this id');
  if (!caller.entityIds.includes(record.entityId)) throw forbidden('this entity is not assigned to you');
  return record;
}

export interface MediaDescription {
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly fileName: string;
}

/** The record's content description; null when its data does not describe content. */
export function describedContent(record: MediaRecord): MediaDescription | null {
  const parsed = MediaDataSchema.safeParse(record.data);
  if (!parsed.success) return null;
  const { size, sha256, contentType, fileName } = parsed.data;
  return { size, sha256, contentType, fileName };
}
