import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_JSON_DEPTH, MAX_RECORD_DATA_BYTES } from '@/protocol/limits';
import { compareHlc } from '@/core/hlc';
import { createApi } from '../../api';
import { signToken } from '../../auth/jwt';
import { testConfig } from '../../config';
import { createContext } from '../../context';
import { type Database, openDatabase, rows } from '../../db/database';
import { testDatabases } from '../../db/test-databases';
import { change, countRows, newId, type PushKit, pushKit, storedRecord, withPushKit } from './push-test-kit';

const nested = (depth: number): Record<string, unknown> => {
  let v: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) v = { d: v };
  return v;
};

describe.each(testDatabases())('push limits on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));

  const errorCode = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

  it('takes 1 to 100 changes; none or more is 400 BAD_REQUEST and applies nothing', async () => {
    const before = await countRows(database, 'sync_changes');
    for (const changes of [[], Array.from({ length: 101 }, () => change())]) {
      const res = await kit.post('ana', { deviceId: 'dev_test', changes });
      expect([res.status, errorCode(res.body)]).toEqual([400, 'BAD_REQUEST']);
    }
    expect(await countRows(database, 'sync_changes')).toBe(before);
    const hundred = Array.from({ length: 100 }, () => change());
    expect((await kit.push('ana', hundred)).successful).toHaveLength(100);
  });

  it('refuses a body that is not JSON, a bad envelope, or a repeated changeId with 400 BAD_REQUEST', async () => {
    const dup = change();
    const cases: unknown[] = [
      '{"deviceId": ',
      { changes: [change()] },
      { deviceId: 'has space', changes: [change()] },
      { deviceId: 'dev_test', changes: [change()], extra: 1 },
      { deviceId: 'dev_test', changes: 'nope' },
      { deviceId: 'dev_test', changes: [dup, change(), { ...dup, recordId: newId() }] },
      { deviceId: 'dev_test', changes: [dup, { ...dup, changeId: dup.changeId.toUpperCase() }] },
    ];
    for (const body of cases) {
      const res = await kit.post('ana', body);
      expect([res.status, errorCode(res.body)], JSON.stringify(body).slice(0, 80)).toEqual([400, 'BAD_REQUEST']);
    }
    expect(await storedRecord(database, dup.recordId)).toBeUndefined();
  });

  it('refuses a body over 2 MiB with 413 before parsing it', async () => {
    const big = `{"deviceId":"dev_test","changes":[${'9'.repeat(MAX_BATCH_BYTES)}]}`;
    const res = await kit.post('ana', big);
    expect([res.status, errorCode(res.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const declared = await kit.post('ana', '{}', { 'content-length': String(MAX_BATCH_BYTES + 1) });
    expect(declared.status).toBe(413);
  });

  it('applies a gzip-encoded batch; one that inflates past 2 MiB is 413 and applies nothing', async () => {
    const changes = Array.from({ length: 100 }, (_, i) => change({ data: { title: `Household ${i}`, notes: 'needs shelter repair and clean water' } }));
    const body = JSON.stringify({ deviceId: 'dev_test', changes });
    const gz = zlib.gzipSync(body);
    expect(gz.byteLength * 4).toBeLessThan(Buffer.byteLength(body));
    const res = await kit.post('ana', gz, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect((res.body as { successful: unknown[] }).successful).toHaveLength(100);
    expect((await storedRecord(database, changes[99]!.recordId))?.data).toEqual(changes[99]!.data);

    const before = await countRows(database, 'sync_changes');
    const padded = JSON.stringify({ deviceId: 'dev_test', changes: [change({ data: { pad: ' '.repeat(MAX_BATCH_BYTES) } })] });
    const bomb = await kit.post('ana', zlib.gzipSync(padded), { 'content-encoding': 'gzip' });
    expect([bomb.status, errorCode(bomb.body)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const unknown = await kit.post('ana', zlib.brotliCompressSync(body), { 'content-encoding': 'br' });
    expect([unknown.status, errorCode(unknown.body), unknown.headers.get('accept-encoding')]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE', 'gzip, deflate']);
    expect(await countRows(database, 'sync_changes')).toBe(before);
  });

  it('fails only the item whose data is over 256 KiB, too deep, or unstorable; the others apply', async () => {
    const tooBig = change({ data: { blob: 'x'.repeat(MAX_RECORD_DATA_BYTES) } });
    const tooDeep = change({ data: nested(MAX_JSON_DEPTH + 1) });
    const deepEnough = change({ data: nested(MAX_JSON_DEPTH) });
    const nul = change({ data: { text: 'a\u0000b' } });
    const surrogate = change({ data: { ['\ud800']: 1 } });
    const fine = change();
    const res = await kit.push('ana', [tooBig, tooDeep, deepEnough, nul, surrogate, fine]);
    expect(res.successful.map((r) => r.changeId)).toEqual([deepEnough.changeId, fine.changeId]);
    expect(res.failed.map((r) => [r.changeId, r.code])).toEqual([
      [tooBig.changeId, 'VALIDATION'],
      [tooDeep.changeId, 'VALIDATION'],
      [nul.changeId, 'VALIDATION'],
      [surrogate.changeId, 'VALIDATION'],
    ]);
    expect(await storedRecord(database, tooBig.recordId)).toBeUndefined();
  });

  it('fails only the item whose stamp has the right shape but no real time (month 13, 30 February); the others apply', async () => {
    const month13 = change({ hlc: '2026-13-45T00:00:00.000Z-0000-dev_test' });
    const feb30 = change({ hlc: '2026-02-30T10:00:00.000Z-0000-dev_test' });
    const fine = change();
    const res = await kit.push('ana', [month13, feb30, fine]);
    expect(res.successful.map((r) => r.changeId)).toEqual([fine.changeId]);
    expect(res.failed.map((r) => [r.changeId, r.code, r.message])).toEqual([
      [month13.changeId, 'VALIDATION', 'hlc: not a hybrid logical clock stamp'],
      [feb30.changeId, 'VALIDATION', 'hlc: not a hybrid logical clock stamp'],
    ]);
    expect(await storedRecord(database, month13.recordId)).toBeUndefined();
  });

  it('takes a base version past any stored version (a 32-bit integer) as a conflict', async () => {
    // Stamped by the test server's clock, as the updates are: Date.now() runs on during the file.
    const c = change({ hlc: kit.stamp() });
    await kit.push('ana', [c]);
    for (const [i, baseVersion] of [3e9, Number.MAX_SAFE_INTEGER].entries()) {
      const res = await kit.push('ana', [change({ recordId: c.recordId, action: 'update', baseVersion, hlc: kit.stamp(1000 + i), data: { i } })], 'dev_big');
      expect(res.conflicts).toMatchObject([{ resolution: 'client_wins', version: 2 + i }]);
    }
  });

  it('logs a failed change whose stamp or unknown key PostgreSQL cannot store, and answers its replay the same', async () => {
    const nulStamp = { ...change(), hlc: 'a\u0000b' };
    const loneKey = { ...change(), ['\ud800']: 1 };
    const first = await kit.push('ana', [nulStamp, loneKey]);
    expect(first.failed.map((r) => [r.changeId, r.code])).toEqual([
      [nulStamp.changeId, 'VALIDATION'],
      [loneKey.changeId, 'VALIDATION'],
    ]);
    expect((await kit.push('ana', [nulStamp, loneKey])).failed).toEqual(first.failed);
  });

  it('accepts versionNumber for baseVersion and refuses unknown fields in a change', async () => {
    const c = change();
    await kit.push('ana', [c]);
    const { baseVersion: _, ...rest } = change({ recordId: c.recordId, action: 'update', hlc: kit.stamp(1) });
    const res = await kit.push('ana', [{ ...rest, versionNumber: 1 }, change({ offline: true })]);
    expect(res.successful).toMatchObject([{ version: 2 }]);
    expect(res.failed).toMatchObject([{ code: 'VALIDATION' }]);
  });

  it("stamps the logged changes with the server's clock: the caller's last push", async () => {
    kit.server.clock.advance(60_000);
    const c = change();
    await kit.push('cora', [c]);
    const [a] = await rows<{ at: string }>(
      database.db,
      sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from sync_changes where change_id = ${c.changeId}::uuid`,
    );
    expect(a?.at).toBe(new Date(kit.server.clock.now()).toISOString());
  });

  it('answers a serverHlc later than every stamp it stored', async () => {
    const near = change({ hlc: kit.stamp(4 * 60_000, 0xfff0, 'dev_zzz') });
    const far = change({ hlc: kit.stamp(60 * 60_000, 2, 'dev_far') });
    const res = await kit.push('ana', [near, far]);
    expect(compareHlc(res.serverHlc, near.hlc)).toBe(1);
    expect(res.serverHlc).toMatch(/-server$/);
    const status = await kit.push('ana', [change({ hlc: kit.stamp(-1) })]);
    expect(compareHlc(status.serverHlc, res.serverHlc)).toBe(1);
  });

  it('refuses a push without a valid token with 401, whatever its body', async () => {
    for (const body of ['{}', 'not json']) {
      const res = await kit.server.api.syncPush(
        new Request('http://test/api/v1/sync/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      );
      expect(res.status).toBe(401);
    }
  });
});

describe.each(testDatabases())('push rate limit on $name', (factory) => {
  it('answers 429 RATE_LIMITED with Retry-After once the per-user budget is spent, for that user only', async () => {
    const database = await factory.create();
    try {
      const kit = await pushKit(database, { syncRequestsPerMinute: 2 });
      await kit.push('ana', [change()]);
      await kit.push('ana', [change()]);
      const c = change();
      const res = await kit.post('ana', { deviceId: 'dev_test', changes: [c] });
      expect(res.status).toBe(429);
      expect((res.body as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await storedRecord(database, c.recordId)).toBeUndefined();
      // The limit answers before anything about the body, even one that is not JSON.
      expect((await kit.post('ana', 'not json')).status).toBe(429);
      expect((await kit.push('cora', [change()])).successful).toHaveLength(1);
    } finally {
      await database.close();
    }
  });
});

describe.each(testDatabases())('push by a user who no longer exists on $name', (factory) => {
  it('answers 401 with a token still valid, for a good batch, a bad body, and over the rate limit, and applies nothing', async () => {
    const database = await factory.create();
    try {
      const kit = await pushKit(database, { syncRequestsPerMinute: 3 });
      const ctx = kit.server.ctx;
      const [gone] = await rows<{ id: string }>(
        database.db,
        sql`insert into users (email, name, role, password_hash) values ('gone@demo.fieldsync', 'Gone', 'field_worker', 'x') returning id`,
      );
      const { token } = await signToken(ctx.tokens, { id: gone!.id, role: 'field_worker' }, ctx.clock.now());
      await database.db.execute(sql`delete from users where id = ${gone!.id}`);
      const api = createApi(ctx);
      const post = async (body: string) => {
        const res = await api.syncPush(
          new Request('http://test/api/v1/sync/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }),
        );
        return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
      };
      const c = change();
      const good = JSON.stringify({ deviceId: 'dev_test', changes: [c] });
      // JSON whose changes are refused as a whole (400 for a user who exists).
      const repeated = JSON.stringify({ deviceId: 'dev_test', changes: [c, c] });
      // The fourth request is over the budget of 3.
      for (const body of [good, 'not json', repeated, good]) expect(await post(body)).toEqual([401, 'UNAUTHENTICATED']);
      expect(await storedRecord(database, c.recordId)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

describe('push with the database unreachable', () => {
  it('answers 503 UNAVAILABLE with Retry-After', async () => {
    const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 });
    try {
      const ctx = await createContext({ database, config: testConfig() });
      const { token } = await signToken(ctx.tokens, { id: newId(), role: 'field_worker' }, ctx.clock.now());
      const res = await createApi(ctx).syncPush(
        new Request('http://test/api/v1/sync/batch', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ deviceId: 'dev_test', changes: [change()] }),
        }),
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    } finally {
      await database.close();
    }
  });
});
