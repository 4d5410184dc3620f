import { readdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rows } from '../db/database';
import { testDatabases } from '../db/test-databases';
import { documentedResponse } from '../openapi/documented-responses';
import { RIVER, SOUTH, change } from '../sync/push/push-test-kit';
import { type MediaKit, bytes, mediaKit, sha256 } from './media-test-kit';

const uploadRows = async (kit: MediaKit, mediaId: string) =>
  (await rows<{ n: number }>(kit.database.db, sql`select count(*)::int as n from media_uploads where media_id = ${mediaId}`))[0]!.n;
/** Files in the media folder that hold content (not tus's .json bookkeeping). */
const storedFiles = async (kit: MediaKit) => (await readdir(kit.mediaDir)).filter((f) => !f.endsWith('.json'));
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function documented(method: string, url: string, res: Response): Promise<void> {
  if (res.headers.get('content-type')?.startsWith('application/json')) await documentedResponse(method, new URL(url, 'http://test').toString(), res);
}

describe.each(testDatabases())('media uploads on $name', (factory) => {
  const kits: MediaKit[] = [];
  const open = async (config = {}) => {
    const kit = await mediaKit(await factory.create(), config);
    kits.push(kit);
    return kit;
  };
  afterAll(async () => {
    for (const k of kits) await k.database.close();
  });

  it('uploads in two parts with a resume in between, verifies, and serves the bytes', async () => {
    const kit = await open();
    const content = bytes(100_000);
    const mediaId = await kit.mediaRecord('ana', content);
    const created = await kit.create('ana', mediaId, content.length);
    expect(created.status).toBe(201);
    expect(created.headers.get('upload-expires')).not.toBeNull();
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/media\/uploads\/[0-9a-f]{32}$/);
    expect((await kit.patch('ana', location, 0, content.subarray(0, 40_000))).headers.get('upload-offset')).toBe('40000');
    expect(await kit.contentRows(mediaId)).toBe(0);
    // The connection dropped here: HEAD tells where to go on.
    const head = await kit.tus('ana', 'HEAD', location);
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, '40000', String(content.length)]);
    const wrong = await kit.patch('ana', location, 0, content.subarray(40_000));
    expect(wrong.status).toBe(409);
    await documented('PATCH', location, wrong);
    const done = await kit.patch('ana', location, 40_000, content.subarray(40_000));
    expect([done.status, done.headers.get('upload-offset')]).toEqual([204, String(content.length)]);
    expect(await kit.contentRows(mediaId)).toBe(1);

    const got = await kit.content('ben', mediaId).catch(() => null);
    expect(got?.status).toBe(403); // ben does not have Camp North
    const res = await kit.content('cora', mediaId);
    expect([res.status, res.headers.get('content-type'), res.headers.get('etag'), res.headers.get('accept-ranges')]).toEqual([200, 'image/jpeg', `"${sha256(content)}"`, 'bytes']);
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  it('finishes on HEAD an upload whose bytes all arrived but whose storing failed, so complete always means stored', async () => {
    const kit = await open();
    const content = bytes(30_000);
    const mediaId = await kit.mediaRecord('ana', content);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    expect((await kit.patch('ana', location, 0, content)).status).toBe(204);
    // As the last PATCH leaves it when the database goes away while storing: bytes whole, nothing stored.
    const id = location.split('/').pop()!;
    await kit.database.db.execute(sql`delete from media_content where media_id = ${mediaId}`);
    await kit.database.db.execute(sql`update media_uploads set completed_at = null where id = ${id}`);
    expect(await kit.contentRows(mediaId)).toBe(0);
    const head = await kit.tus('ana', 'HEAD', location);
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(content.length)]);
    expect(await kit.contentRows(mediaId)).toBe(1);
    const res = await kit.content('ana', mediaId);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  it('answers Range with 206 and the exact bytes, a bad range with 416, a known ETag with 304, HEAD with the headers only', async () => {
    const kit = await open();
    const content = bytes(5000);
    const mediaId = await kit.mediaRecord('ana', content);
    const pending = await kit.content('ana', mediaId);
    expect([pending.status, await errorCode(pending)]).toEqual([409, 'CONTENT_PENDING']);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    expect((await kit.patch('ana', location, 0, content)).status).toBe(204);

    const part = await kit.content('ana', mediaId, { range: 'bytes=100-199' });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([206, 'bytes 100-199/5000', '100']);
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(100, 200))).toBe(true);
    const tail = await kit.content('ana', mediaId, { range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(content.subarray(4990))).toBe(true);
    const bad = await kit.content('ana', mediaId, { range: 'bytes=5000-' });
    expect([bad.status, bad.headers.get('content-range'), await errorCode(bad)]).toEqual([416, 'bytes */5000', 'RANGE_NOT_SATISFIABLE']);
    const same = await kit.content('ana', mediaId, { 'if-none-match': `"${sha256(content)}"` });
    expect([same.status, await same.text()]).toEqual([304, '']);
    const head = await kit.content('ana', mediaId, {}, 'HEAD');
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '5000', '']);
    expect((await kit.content(null, mediaId)).status).toBe(401);
    expect((await kit.content('ana', '0193a000-0000-7000-8000-0000000000ff')).status).toBe(404);
  });

  it('refuses a mismatching checksum with 460 and stores nothing', async () => {
    const kit = await open();
    const content = bytes(3000);
    const mediaId = await kit.mediaRecord('ana', content, { sha256: sha256(bytes(10)) });
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    const res = await kit.patch('ana', location, 0, content);
    expect([res.status, await errorCode(res.clone())]).toEqual([460, 'CHECKSUM_MISMATCH']);
    await documented('PATCH', location, res);
    expect(await kit.contentRows(mediaId)).toBe(0);
    expect(await uploadRows(kit, mediaId)).toBe(0);
    expect(await storedFiles(kit)).toEqual([]);
    expect((await kit.content('ana', mediaId)).status).toBe(409);
  });

  it('answers a creation for stored content with the whole offset, and no bytes travel', async () => {
    const kit = await open();
    const content = bytes(2000);
    const mediaId = await kit.mediaRecord('ana', content);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    expect((await kit.patch('ana', location, 0, content)).status).toBe(204);
    const again = await kit.create('cora', mediaId, content.length);
    expect([again.status, again.headers.get('upload-offset'), again.headers.get('location')]).toEqual([201, '2000', location]);
    // A reader of the record may ask where a finished upload stands; the bytes stay put.
    expect((await kit.tus('cora', 'HEAD', location)).headers.get('upload-offset')).toBe('2000');
    expect((await kit.tus('ana', 'DELETE', location)).status).toBe(400);
    expect((await kit.patch('ana', location, 0, content)).status).toBe(409);
    expect((await kit.content('ana', mediaId)).status).toBe(200);
  });

  it('checks the creation: token, access, length, size, type, name', async () => {
    const kit = await open({ mediaMaxBytes: 10_000 });
    const content = bytes(1000);
    const mediaId = await kit.mediaRecord('ana', content);
    const cases: Array<[Response, number, string]> = [];
    cases.push([await kit.tus(null, 'POST', '/api/v1/media/uploads', { 'upload-length': '1000' }), 401, 'UNAUTHENTICATED']);
    cases.push([await kit.create('ana', mediaId, 999), 400, 'VALIDATION']);
    cases.push([await kit.create('ana', mediaId, 10_001), 413, 'PAYLOAD_TOO_LARGE']);
    cases.push([await kit.create('ana', '0193a000-0000-7000-8000-0000000000ff', 1000), 404, 'NOT_FOUND']);
    cases.push([await kit.tus('ana', 'POST', '/api/v1/media/uploads', { 'upload-length': '1000' }), 400, 'VALIDATION']);
    const bensMedia = await kit.mediaRecord('ben', content, {}, RIVER);
    cases.push([await kit.create('ana', bensMedia, 1000), 403, 'FORBIDDEN']);
    const pdfOk = await kit.mediaRecord('ana', content, { contentType: 'application/pdf' });
    const video = await kit.mediaRecord('ana', content, { contentType: 'video/mp4' });
    cases.push([await kit.create('ana', video, 1000), 415, 'UNSUPPORTED_MEDIA_TYPE']);
    const pathName = await kit.mediaRecord('ana', content, { fileName: '../../etc/passwd' });
    cases.push([await kit.create('ana', pathName, 1000), 400, 'VALIDATION']);
    const empty = await kit.mediaRecord('ana', Buffer.alloc(0));
    cases.push([await kit.create('ana', empty, 0), 400, 'VALIDATION']);
    for (const [res, status, code] of cases) {
      expect([res.status, await errorCode(res.clone())]).toEqual([status, code]);
      await documented('POST', '/api/v1/media/uploads', res);
    }
    expect(await uploadRows(kit, mediaId)).toBe(0);
    expect(await storedFiles(kit)).toEqual([]);
    expect((await kit.create('ana', pdfOk, 1000)).status).toBe(201);
  });

  it('refuses a deleted media record, and another user\'s upload is not found', async () => {
    const kit = await open();
    const content = bytes(1000);
    const mediaId = await kit.mediaRecord('ana', content, {}, SOUTH);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    for (const method of ['PATCH', 'HEAD', 'DELETE'] as const) {
      const res = await (method === 'PATCH' ? kit.patch('ben', location, 0, content) : kit.tus('ben', method, location));
      expect(res.status, method).toBe(404);
    }
    expect((await kit.tus(null, 'HEAD', location)).status).toBe(401);
    expect((await kit.tus('ana', 'HEAD', '/api/v1/media/uploads/0123456789abcdef0123456789abcdef')).status).toBe(404);
    await kit.push('ana', [change({ type: 'media', action: 'delete', recordId: mediaId, entityId: SOUTH, baseVersion: 1, data: undefined })]);
    const res = await kit.create('ana', mediaId, content.length);
    expect([res.status, await errorCode(res)]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses a PATCH body over the chunk limit with 413, and gives up an upload on DELETE', async () => {
    const kit = await open({ mediaChunkMaxBytes: 1000 });
    const content = bytes(3000);
    const mediaId = await kit.mediaRecord('ana', content);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    const big = await kit.patch('ana', location, 0, content);
    expect([big.status, await errorCode(big)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await kit.patch('ana', location, 0, content.subarray(0, 1000))).status).toBe(204);
    expect((await kit.tus('ana', 'DELETE', location)).status).toBe(204);
    expect(await uploadRows(kit, mediaId)).toBe(0);
    expect(await storedFiles(kit)).toEqual([]);
    expect((await kit.tus('ana', 'HEAD', location)).status).toBe(404);
  });

  it('lets one PATCH of an upload write at a time: a second one while the first runs is 409, and the content is the first\'s', async () => {
    const kit = await open();
    const content = bytes(4000);
    const mediaId = await kit.mediaRecord('ana', content);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    let finishFirst!: () => void;
    const firstHalfSent = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    const slowBody = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(content.subarray(0, 2000));
        await firstHalfSent;
        controller.enqueue(content.subarray(2000));
        controller.close();
      },
    });
    const token = await kit.token('ana');
    const api = kit.server.api as unknown as Record<string, (r: Request) => Promise<Response>>;
    const first = api.mediaUpload!(
      new Request(`http://test${location}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        body: slowBody,
        duplex: 'half',
      } as RequestInit),
    );
    // Wait until the first PATCH holds the upload's lease.
    for (;;) {
      const [r] = await rows<{ held: boolean }>(kit.database.db, sql`select lock_token is not null as held from media_uploads where media_id = ${mediaId}`);
      if (r?.held) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const second = await kit.patch('ana', location, 0, bytes(4000));
    expect([second.status, await errorCode(second)]).toEqual([409, 'CONFLICT']);
    finishFirst();
    expect((await first).status).toBe(204);
    const res = await kit.content('ana', mediaId);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  it('shows contentAvailable in pull for media records once the content is stored', async () => {
    const kit = await open();
    const content = bytes(1500);
    const mediaId = await kit.mediaRecord('ana', content);
    let cursor: string | undefined;
    const pull = async () => {
      const url = `http://test/api/v1/sync/pull${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await kit.server.api.syncPull(new Request(url, { headers: { authorization: `Bearer ${await kit.token('cora')}` } }));
      const body = (await res.json()) as { cursor: string; changes: Array<{ id: string; type: string; version: number; contentAvailable?: boolean }> };
      cursor = body.cursor;
      return body.changes;
    };
    const before = await pull();
    expect(before.find((r) => r.id === mediaId)?.contentAvailable).toBe(false);
    expect(before.filter((r) => r.type !== 'media').every((r) => r.contentAvailable === undefined)).toBe(true);
    expect(await pull()).toEqual([]);
    const location = (await kit.create('ana', mediaId, content.length)).headers.get('location')!;
    await kit.patch('ana', location, 0, content);
    // Another device, pulling on from its cursor, gets the record again, same version, content
    // available (once no older transaction of the cluster is still open: the feed's no-gap rule).
    let after = await pull();
    for (let i = 0; i < 100 && after.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await pull();
    }
    expect(after.map((r) => [r.id, r.version, r.contentAvailable])).toEqual([[mediaId, 1, true]]);
  });

  it('sweeps expired unfinished uploads, and the content of tombstones once their conflicts close', async () => {
    const kit = await open();
    const media = (await import('./media-service')).createMediaService(kit.server.ctx);
    const content = bytes(1000);
    const unfinished = await kit.mediaRecord('ana', content);
    const stale = (await kit.create('ana', unfinished, content.length)).headers.get('location')!;
    await kit.patch('ana', stale, 0, content.subarray(0, 500));
    const kept = await kit.mediaRecord('ana', content);
    const keptAt = (await kit.create('ana', kept, content.length)).headers.get('location')!;
    await kit.patch('ana', keptAt, 0, content);
    expect(await media.sweep()).toEqual({ expiredUploads: 0, retiredContent: 0 });

    await kit.database.db.execute(sql`update media_uploads set expires_at = now() - interval '1 second' where media_id = ${unfinished}`);
    expect(await media.sweep()).toEqual({ expiredUploads: 1, retiredContent: 0 });
    expect((await kit.tus('ana', 'HEAD', stale)).status).toBe(404);
    expect(await storedFiles(kit)).toHaveLength(1);

    // A delete that loses to nothing, then a stale update of it: an open conflict keeps the content.
    await kit.push('ana', [change({ type: 'media', action: 'delete', recordId: kept, baseVersion: 1, data: undefined })]);
    await kit.database.db.execute(sql`insert into sync_conflicts (record_id, entity_id, type, resolution, winner, loser)
      select id, entity_id, 'media', 'server_wins', '{}'::jsonb, '{}'::jsonb from records where id = ${kept}`);
    expect(await media.sweep()).toEqual({ expiredUploads: 0, retiredContent: 0 });
    await kit.database.db.execute(sql`update sync_conflicts set status = 'resolved' where record_id = ${kept}`);
    expect(await media.sweep()).toEqual({ expiredUploads: 0, retiredContent: 1 });
    expect(await kit.contentRows(kept)).toBe(0);
    expect(await storedFiles(kit)).toEqual([]);
  });
});
