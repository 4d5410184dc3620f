import { describe, expect, it } from 'vitest';
import { recordSyncStatus, statusesByRecord } from './record-status';

describe('a record’s sync status from its outbox entries', () => {
  it('is synced with no entries or only completed ones', () => {
    expect(recordSyncStatus([])).toBe('synced');
    expect(recordSyncStatus([{ recordId: 'a', status: 'completed' }])).toBe('synced');
  });

  it('is pending while any change waits, is sent or will be retried', () => {
    for (const status of ['pending', 'syncing', 'failed'] as const)
      expect(recordSyncStatus([{ recordId: 'a', status: 'completed' }, { recordId: 'a', status }])).toBe('pending');
  });

  it('is rejected when the server refused a change, whatever else waits', () => {
    expect(recordSyncStatus([{ recordId: 'a', status: 'rejected' }, { recordId: 'a', status: 'pending' }])).toBe('rejected');
  });

  it('is lost when the newest change lost its conflict, and synced when it won', () => {
    expect(recordSyncStatus([{ recordId: 'a', status: 'conflict', winner: 'server' }])).toBe('lost');
    expect(recordSyncStatus([{ recordId: 'a', status: 'conflict', winner: 'client' }])).toBe('synced');
    expect(recordSyncStatus([{ recordId: 'a', status: 'conflict', winner: 'server' }, { recordId: 'a', status: 'completed' }])).toBe('synced');
  });

  it('groups entries per record', () => {
    const m = statusesByRecord([
      { recordId: 'a', status: 'completed' },
      { recordId: 'b', status: 'pending' },
      { recordId: 'a', status: 'rejected' },
    ]);
    expect(Object.fromEntries(m)).toEqual({ a: 'rejected', b: 'pending' });
  });
});
