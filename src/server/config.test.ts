import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';
import { RECENT_RECORDS } from './sync/push/recent-records';

describe('configuration from the environment', () => {
  it('keeps 20,000 known records by default, the number FIELDSYNC_KNOWN_RECORDS gives, and none at 0', () => {
    expect(configFromEnv({}).knownRecords).toBe(RECENT_RECORDS);
    expect(RECENT_RECORDS).toBe(20_000);
    expect(configFromEnv({ FIELDSYNC_KNOWN_RECORDS: '500' }).knownRecords).toBe(500);
    expect(configFromEnv({ FIELDSYNC_KNOWN_RECORDS: '0' }).knownRecords).toBe(0);
  });

  it.each(['-1', '1.5', 'many', '1e400'])('refuses FIELDSYNC_KNOWN_RECORDS=%s with a message naming it', (value) => {
    expect(() => configFromEnv({ FIELDSYNC_KNOWN_RECORDS: value })).toThrow(/FIELDSYNC_KNOWN_RECORDS must be a whole number, 0 or more/);
  });

  it('still refuses 0 for the settings that must be positive', () => {
    expect(() => configFromEnv({ FIELDSYNC_SYNC_RATE_PER_MINUTE: '0' })).toThrow(/FIELDSYNC_SYNC_RATE_PER_MINUTE must be a positive integer, got "0"/);
    expect(configFromEnv({ FIELDSYNC_SYNC_RATE_PER_MINUTE: '30' }).syncRequestsPerMinute).toBe(30);
  });
});
