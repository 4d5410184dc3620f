// A stored record as the protocol shows it. Shared by push (server_wins results), pull and
// resolve, so the wire shape is defined once.
import type { RecordType, SyncRecord } from '@/protocol/records';

/** The columns of `records` as raw SQL returns them (snake_case). */
export interface RecordRow {
  id: string;
  type: RecordType;
  entity_id: string;
  version: number;
  data: Record<string, unknown>;
  deleted: boolean;
  hlc: string;
  updated_by: string;
  device_id: string;
  /** Media records in a pull: whether their content is stored (pull-feed.ts); null or absent otherwise. */
  content_available?: boolean | null;
}

/** Columns to select for `toSyncRecord`, for raw SQL. */
export const RECORD_COLUMNS = 'id, type, entity_id, version, data, deleted, hlc, updated_by, device_id';

export function toSyncRecord(r: RecordRow): SyncRecord {
  return {
    type: r.type,
    id: r.id,
    entityId: r.entity_id,
    version: Number(r.version),
    data: r.data,
    deleted: r.deleted,
    hlc: r.hlc,
    updatedBy: r.updated_by,
    ...(r.type === 'media' && typeof r.content_available === 'boolean' ? { contentAvailable: r.content_available } : {}),
  };
}
