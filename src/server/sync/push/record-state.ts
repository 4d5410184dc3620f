// Converts between a stored record row (snake_case, as raw SQL returns it) and the pure
// core's RecordState.
import type { RecordState } from '@/core/apply-change';
import type { SyncRecord } from '@/protocol/records';
import { type RecordRow, toSyncRecord } from '../record-row';

export function rowToState(r: RecordRow): RecordState {
  return {
    type: r.type,
    entityId: r.entity_id,
    version: Number(r.version),
    data: r.data,
    deleted: r.deleted,
    hlc: r.hlc,
    updatedBy: r.updated_by,
    deviceId: r.device_id,
  };
}

export function stateToRow(id: string, s: RecordState): RecordRow {
  return {
    id,
    type: s.type,
    entity_id: s.entityId,
    version: s.version,
    data: s.data,
    deleted: s.deleted,
    hlc: s.hlc,
    updated_by: s.updatedBy,
    device_id: s.deviceId,
  };
}

export function stateToSyncRecord(id: string, s: RecordState): SyncRecord {
  return toSyncRecord(stateToRow(id, s));
}
