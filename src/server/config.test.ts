import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

describe('configuration from the environment', () => {
  it('takes the number FIELDSYNC_LOGIN_HASH_QUEUE gives, 0 included', () => {
    expect(configFromEnv({ FIELDSYNC_LOGIN_HASH_QUEUE: '500' }).loginHashQueue).toBe(500);
    expect(configFromEnv({ FIELDSYNC_LOGIN_HASH_QUEUE: '0' }).loginHashQueue).toBe(0);
  });

  it.each(['-1', '1.5', 'many', '1e400'])('refuses FIELDSYNC_LOGIN_HASH_QUEUE=%s with a message naming it', (value) => {
    expect(() => configFromEnv({ FIELDSYNC_LOGIN_HASH_QUEUE: value })).toThrow(/FIELDSYNC_LOGIN_HASH_QUEUE must be a whole number, 0 or more/);
  });

  it('reads FIELDSYNC_PREPARED_STATEMENTS as on or off, on by default, and refuses anything else', () => {
    expect([undefined, '', 'on', 'true', '1', 'off', 'OFF', 'false', '0'].map((v) => configFromEnv({ FIELDSYNC_PREPARED_STATEMENTS: v }).preparedStatements)).toEqual([
      true, true, true, true, true, false, false, false, false,
    ]);
    expect(() => configFromEnv({ FIELDSYNC_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/FIELDSYNC_PREPARED_STATEMENTS must be on or off/);
  });

  it('reads FIELDSYNC_TRUST_PROXY as the number of proxies in front of the server', () => {
    expect([undefined, '', 'false', '0', '1', 'true', '2'].map((v) => configFromEnv({ FIELDSYNC_TRUST_PROXY: v }).trustProxy)).toEqual([0, 0, 0, 0, 1, 1, 2]);
    expect(() => configFromEnv({ FIELDSYNC_TRUST_PROXY: 'yes' })).toThrow(/FIELDSYNC_TRUST_PROXY must be the number of proxies/);
  });

  it('still refuses 0 for the settings that must be positive', () => {
    expect(() => configFromEnv({ FIELDSYNC_SYNC_RATE_PER_MINUTE: '0' })).toThrow(/FIELDSYNC_SYNC_RATE_PER_MINUTE must be a positive integer, got "0"/);
    expect(configFromEnv({ FIELDSYNC_SYNC_RATE_PER_MINUTE: '30' }).syncRequestsPerMinute).toBe(30);
  });

  it('bounds requests in flight and body memory by default, and reads the bounds and HTTP timeouts from the environment', () => {
    const d = configFromEnv({});
    expect([d.maxInFlight, d.maxInFlightPerUser, d.runningPerUser, d.bodyMemoryBytes]).toEqual([256, 32, 2, undefined]);
    // Longer than a load balancer's 60 s idle timeout.
    expect(d.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(d.headersTimeoutMs).toBeLessThan(d.requestTimeoutMs);
    const c = configFromEnv({
      FIELDSYNC_MAX_IN_FLIGHT: '40',
      FIELDSYNC_MAX_IN_FLIGHT_PER_USER: '4',
      FIELDSYNC_BODY_MEMORY_MB: '32',
      FIELDSYNC_KEEP_ALIVE_TIMEOUT_MS: '75000',
    });
    expect([c.maxInFlight, c.maxInFlightPerUser, c.bodyMemoryBytes, c.keepAliveTimeoutMs]).toEqual([40, 4, 32 * 1024 * 1024, 75_000]);
    expect(() => configFromEnv({ FIELDSYNC_BODY_MEMORY_MB: '0' })).toThrow(/FIELDSYNC_BODY_MEMORY_MB must be a positive integer/);
  });
  it('drains for 30 s by default, and reads the grace (0: cut at once) and the metrics token', () => {
    const d = configFromEnv({});
    expect([d.shutdownGraceSeconds, d.metricsToken]).toEqual([30, undefined]);
    const c = configFromEnv({ FIELDSYNC_SHUTDOWN_GRACE_SECONDS: '0', FIELDSYNC_METRICS_TOKEN: 'scrape' });
    expect([c.shutdownGraceSeconds, c.metricsToken]).toEqual([0, 'scrape']);
    expect(() => configFromEnv({ FIELDSYNC_SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow(/FIELDSYNC_SHUTDOWN_GRACE_SECONDS/);
  });

  it('keeps media on disk beside the PGlite folder by default, in S3 when a bucket is named, within 25 MiB of an allowlist of types', () => {
    const d = configFromEnv({ FIELDSYNC_DATA_DIR: '/srv/fs/pglite' });
    expect([d.mediaDir, d.s3, d.mediaMaxBytes, d.mediaChunkMaxBytes, d.mediaUploadExpirySeconds]).toEqual(['/srv/fs/media', undefined, 25 * 1024 * 1024, 8 * 1024 * 1024, 86_400]);
    expect(d.mediaTypes).toContain('audio/*');
    const c = configFromEnv({
      FIELDSYNC_MEDIA_DIR: '/mnt/shared/media',
      FIELDSYNC_MEDIA_MAX_BYTES: '1000',
      FIELDSYNC_MEDIA_TYPES: 'image/jpeg, Video/*',
      FIELDSYNC_S3_BUCKET: 'photos',
      FIELDSYNC_S3_ENDPOINT: 'http://127.0.0.1:9000',
      FIELDSYNC_S3_FORCE_PATH_STYLE: 'true',
    });
    expect([c.mediaDir, c.mediaMaxBytes, c.mediaTypes]).toEqual(['/mnt/shared/media', 1000, ['image/jpeg', 'video/*']]);
    expect(c.s3).toEqual({ bucket: 'photos', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: true });
    expect(() => configFromEnv({ FIELDSYNC_MEDIA_TYPES: 'jpeg' })).toThrow(/FIELDSYNC_MEDIA_TYPES/);
    expect(() => configFromEnv({ FIELDSYNC_MEDIA_MAX_BYTES: '0' })).toThrow(/FIELDSYNC_MEDIA_MAX_BYTES/);
  });
});
