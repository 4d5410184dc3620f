'use client';
// The small badge beside a record: synced, on this device, rejected, or your edit lost.
import { useTranslation } from 'react-i18next';
import { RECORD_STATUS_CLASS, type RecordSyncStatus } from '../record-status';

export function RecordBadge({ status }: { readonly status: RecordSyncStatus }) {
  const { t } = useTranslation('common');
  return (
    <span className={`badge ${RECORD_STATUS_CLASS[status]}`} data-testid="record-status" data-status={status}>
      {t(`recordStatus.${status}`)}
    </span>
  );
}
