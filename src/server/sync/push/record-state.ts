// Converts between a stored record row (snake_case, as raw SQL returns it) and the pure
// core's RecordState.
import type { RecordState } from '@/core/apply-change';
import type { RecordData, RecordType, SyncRecord } from '@/protocol/records';
import { type RecordRow, toSyncRecord } from '../record-row';

/** A stored record row with its data as JSON text (`data::text`), as load-batch.ts reads them. */
export type TextRecordRow = Omit<RecordRow, 'data' | 'version'> & { readonly data: string; readonly version: number | string };

/** A record's fields but its data. */
type RecordFields = Omit<RecordState, 'data'>;

/**
 * A record with its data as JSON text, parsed only when read: a clean update replaces the data
 * without looking at it, so only conflicts, deletes and server_wins answers pay for parsing it.
 */
class LoadedRecord implements RecordState {
  readonly type: RecordType;
  readonly entityId: string;
  readonly version: number;
  readonly deleted: boolean;
  readonly hlc: string;
  readonly updatedBy: string;
  readonly deviceId: string;
  private parsed: RecordData | undefined;

  constructor(
    private readonly dataText: string,
    r: RecordFields,
  ) {
    this.type = r.type;
    this.entityId = r.entityId;
    this.version = r.version;
    this.deleted = r.deleted;
    this.hlc = r.hlc;
    this.updatedBy = r.updatedBy;
    this.deviceId = r.deviceId;
  }

  get data(): RecordData {
    return (this.parsed ??= JSON.parse(this.dataText) as RecordData);
  }
}

export function textRowToState(r: TextRecordRow): RecordState {
  return new LoadedRecord(r.data, {
    type: r.type,
    entityId: r.entity_id,
    version: Number(r.version),
    deleted: r.deleted,
    hlc: r.hlc,
    updatedBy: r.updated_by,
    deviceId: r.device_id,
  });
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
