import zlib from 'node:zlib';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { parseWith, readJson } from './read-json';

const post = (body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://test/', { method: 'POST', headers, body });

async function failure(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return [e.status, e.code];
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('readJson', () => {
  it('parses JSON within the limit, as application/json or a +json type', async () => {
    expect(await readJson(post('{"a":[1,2]}'), 100)).toEqual({ a: [1, 2] });
    expect(await readJson(post('{"a":1}', { 'content-type': 'application/merge-patch+json; charset=utf-8' }), 100)).toEqual({ a: 1 });
  });

  it('refuses a declared length over the limit with 413 without reading the body', async () => {
    const request = post('{}', { 'content-type': 'application/json', 'content-length': '101' });
    expect(await failure(readJson(request, 100))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(request.bodyUsed).toBe(false);
  });

  it('refuses a body that turns out longer than the limit with 413', async () => {
    expect(await failure(readJson(post(`"${'x'.repeat(100)}"`), 100))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await readJson(post(`"${'x'.repeat(98)}"`), 100)).toBe('x'.repeat(98));
  });

  it('refuses empty bodies and broken JSON with 400 BAD_REQUEST, other media types with 415', async () => {
    expect(await failure(readJson(post(null), 100))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(post('  '), 100))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(post('{"a":'), 100))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(post(new Uint8Array([0xff, 0xfe, 0x00])), 100))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(post('{}', { 'content-type': 'text/plain' }), 100))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    // A string body without a content type is sent as text/plain by fetch: refused too.
    expect(await failure(readJson(post('{}', {}), 100))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('readJson of an encoded body', () => {
  const encoded = (body: Uint8Array, coding: string) => post(body as BodyInit, { 'content-type': 'application/json', 'content-encoding': coding });
  const json = JSON.stringify({ changes: Array.from({ length: 50 }, (_, i) => ({ n: i, note: 'the same words again and again' })) });

  it('parses a gzip- or deflate-encoded body as the JSON it decodes to', async () => {
    const value = JSON.parse(json) as unknown;
    expect(await readJson(encoded(zlib.gzipSync(json), 'gzip'), 10_000)).toEqual(value);
    expect(await readJson(encoded(zlib.gzipSync(json), 'x-gzip'), 10_000)).toEqual(value);
    expect(await readJson(encoded(zlib.deflateSync(json), 'Deflate'), 10_000)).toEqual(value);
    expect(await readJson(encoded(new TextEncoder().encode(json), 'identity'), 10_000)).toEqual(value);
  });

  it('refuses with 413 a body that decodes past the limit, however small as sent', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(5_000_000, 0x20));
    expect(bomb.byteLength).toBeLessThan(10_000);
    expect(await failure(readJson(encoded(bomb, 'gzip'), 100_000))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Exactly at the limit decoded is allowed.
    const atLimit = `"${'x'.repeat(98)}"`;
    expect(await readJson(encoded(zlib.gzipSync(atLimit), 'gzip'), 100)).toBe('x'.repeat(98));
    expect(await failure(readJson(encoded(zlib.gzipSync(`"${'x'.repeat(99)}"`), 'gzip'), 100))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('refuses a body that is not what its coding says with 400, and a coding it does not know with 415 naming the ones it does', async () => {
    expect(await failure(readJson(encoded(new TextEncoder().encode(json), 'gzip'), 10_000))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(encoded(zlib.gzipSync(json).subarray(0, 40), 'gzip'), 10_000))).toEqual([400, 'BAD_REQUEST']);
    expect(await failure(readJson(encoded(zlib.gzipSync(json), 'deflate'), 10_000))).toEqual([400, 'BAD_REQUEST']);
    for (const coding of ['br', 'gzip, gzip', 'zstd']) {
      try {
        await readJson(encoded(zlib.gzipSync(json), coding), 10_000);
        expect.unreachable();
      } catch (e) {
        const err = e as ApiError;
        expect([err.status, err.code, err.headers['Accept-Encoding']], coding).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE', 'gzip, deflate']);
      }
    }
  });
});

describe('parseWith', () => {
  const schema = z.strictObject({ n: z.number() });
  it('returns the parsed value, or 400 with the issues as details', () => {
    expect(parseWith(schema, { n: 1 })).toEqual({ n: 1 });
    try {
      parseWith(schema, { n: 1, extra: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      const err = e as ApiError;
      expect([err.status, err.code]).toEqual([400, 'VALIDATION']);
      expect(err.details).toEqual([expect.objectContaining({ path: '' })]);
    }
    expect(() => parseWith(schema, {}, 'BAD_REQUEST')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});

describe('readJson bounds what parsing builds', () => {
  it('refuses with 413 a body holding more JSON values than allowed, before parsing it', async () => {
    const body = `[${'[],'.repeat(99)}[]]`;
    expect(await readJson(post(body), 10_000, 201)).toHaveLength(100);
    expect(await failure(readJson(post(body), 10_000, 200))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('refuses by default a gzip body of empty arrays inflating to just under 2 MiB', async () => {
    const limit = 2 * 1024 * 1024;
    const bomb = zlib.gzipSync(`[${'[],'.repeat(699_000)}[]]`);
    expect(bomb.byteLength).toBeLessThan(10_000);
    const request = post(bomb as BodyInit, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(await failure(readJson(request, limit))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('lets through a full batch of realistic form data at the default', async () => {
    const change = (i: number) => ({
      changeId: `0193a000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      action: 'upsert',
      data: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`q${k}`, k % 3 === 0 ? [k, k + 1, 'x'] : k % 3 === 1 ? true : 'an answer'])),
    });
    const body = JSON.stringify({ changes: Array.from({ length: 100 }, (_, i) => change(i)) });
    expect(body.length).toBeLessThan(2 * 1024 * 1024);
    expect(await readJson(post(body), 2 * 1024 * 1024)).toMatchObject({ changes: expect.any(Array) });
  });

  it('refuses a body that is not valid UTF-8 with 400 instead of replacing what it cannot decode', async () => {
    const bytes = new Uint8Array([0x22, 0x61, 0xc3, 0x28, 0x22]);
    expect(await failure(readJson(post(bytes as BodyInit), 100))).toEqual([400, 'BAD_REQUEST']);
  });
});
