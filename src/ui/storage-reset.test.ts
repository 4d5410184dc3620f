import { describe, expect, it } from 'vitest';
import { dismissStorageReset, loadStorageReset, noteDeviceId } from './storage-reset';
import { MemoryStorage } from './testing/memory-storage';

describe('storage reset', () => {
  it('says nothing the first time, nor when the database opens with the device id it had', () => {
    const s = new MemoryStorage();
    expect(noteDeviceId('u1', 'dev_a', 1000, null, s)).toBeNull();
    expect(noteDeviceId('u1', 'dev_a', 2000, null, s)).toBeNull();
  });

  it('reports a database that opens with another device id, until dismissed', () => {
    const s = new MemoryStorage();
    noteDeviceId('u1', 'dev_a', 1000, null, s);
    expect(noteDeviceId('u1', 'dev_b', 5000, null, s)).toEqual({ at: 5000, previousDeviceId: 'dev_a', restored: null });
    // Still shown after a reload with the new database, until the user dismisses it.
    expect(noteDeviceId('u1', 'dev_b', 9000, null, s)).toEqual({ at: 5000, previousDeviceId: 'dev_a', restored: null });
    dismissStorageReset('u1', s);
    expect(loadStorageReset('u1', s)).toBeNull();
    expect(noteDeviceId('u1', 'dev_b', 9500, null, s)).toBeNull();
  });

  it('keeps what the safety copy gave back, for the message', () => {
    const s = new MemoryStorage();
    noteDeviceId('u1', 'dev_a', 1000, null, s);
    const restored = { changes: 12, photos: 2 };
    expect(noteDeviceId('u1', 'dev_b', 5000, restored, s)).toEqual({ at: 5000, previousDeviceId: 'dev_a', restored });
    expect(noteDeviceId('u1', 'dev_b', 9000, null, s)?.restored).toEqual(restored);
  });

  it('keeps each user of the device apart', () => {
    const s = new MemoryStorage();
    noteDeviceId('u1', 'dev_a', 1000, null, s);
    expect(noteDeviceId('u2', 'dev_z', 2000, null, s)).toBeNull();
  });

  it('works without storage, and ignores a damaged entry', () => {
    expect(noteDeviceId('u1', 'dev_a', 1000, null, undefined)).toBeNull();
    const s = new MemoryStorage();
    s.setItem('fieldsync.storageReset.u1', '{not json');
    expect(loadStorageReset('u1', s)).toBeNull();
  });
});
