// The small badge beside a record: synced, on this device, rejected, or your edit lost.
import { RECORD_STATUS_CLASS, RECORD_STATUS_LABEL, type RecordSyncStatus } from '../record-status';

export function RecordBadge({ status }: { readonly status: RecordSyncStatus }) {
  return (
    <span className={`badge ${RECORD_STATUS_CLASS[status]}`} data-testid="record-status" data-status={status}>
      {RECORD_STATUS_LABEL[status]}
    </span>
  );
}
