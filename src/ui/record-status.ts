// A record's sync state as the lists show it, from its outbox entries (oldest first). Pure.
//   rejected  the server refused a change: the user must retry or discard it (queue screen)
//   pending   saved on this device, not yet on the server
//   lost      the newest change lost a conflict: the device now shows the winner
//   synced    the server has it
import type { SyncStatus } from '@/core/outbox-state';
import type { Winner } from '@/core/outbox-state';

export type RecordSyncStatus = 'rejected' | 'pending' | 'lost' | 'synced';

export interface EntryLike {
  readonly recordId: string;
  readonly status: SyncStatus;
  readonly winner?: Winner;
}

export function recordSyncStatus(entries: readonly EntryLike[]): RecordSyncStatus {
  if (entries.some((e) => e.status === 'rejected')) return 'rejected';
  if (entries.some((e) => e.status === 'pending' || e.status === 'syncing' || e.status === 'failed')) return 'pending';
  const last = entries[entries.length - 1];
  if (last?.status === 'conflict' && last.winner === 'server') return 'lost';
  return 'synced';
}

export function statusesByRecord(entries: readonly EntryLike[]): Map<string, RecordSyncStatus> {
  const byRecord = new Map<string, EntryLike[]>();
  for (const e of entries) {
    const list = byRecord.get(e.recordId);
    if (list) list.push(e);
    else byRecord.set(e.recordId, [e]);
  }
  return new Map([...byRecord].map(([id, list]) => [id, recordSyncStatus(list)]));
}

export const RECORD_STATUS_LABEL: Record<RecordSyncStatus, string> = {
  rejected: 'rejected',
  pending: 'on this device',
  lost: 'your edit lost',
  synced: 'synced',
};

export const RECORD_STATUS_CLASS: Record<RecordSyncStatus, string> = {
  rejected: 'rejected',
  pending: 'pending',
  lost: 'conflict',
  synced: 'synced',
};
