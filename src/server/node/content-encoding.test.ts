import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress, isCompressible, negotiateCoding } from './content-encoding';

describe('negotiateCoding', () => {
  it('picks gzip whenever the client accepts it, as browsers and fetch ask', () => {
    expect(negotiateCoding('gzip, deflate, br')).toBe('gzip');
    expect(negotiateCoding('br;q=1.0, gzip;q=0.8, *;q=0.1')).toBe('gzip');
    expect(negotiateCoding('deflate, gzip;q=0.5')).toBe('gzip');
    expect(negotiateCoding('*')).toBe('gzip');
    expect(negotiateCoding('GZIP')).toBe('gzip');
  });

  it('falls back to deflate, then to none', () => {
    expect(negotiateCoding('deflate')).toBe('deflate');
    expect(negotiateCoding('gzip;q=0, deflate')).toBe('deflate');
    expect(negotiateCoding('br')).toBeNull();
    expect(negotiateCoding('identity')).toBeNull();
    expect(negotiateCoding('gzip;q=0, deflate;q=0')).toBeNull();
    expect(negotiateCoding('')).toBeNull();
    expect(negotiateCoding(undefined)).toBeNull();
  });

  it('sends as is when the client rates identity above every compression', () => {
    expect(negotiateCoding('gzip;q=0.1, identity')).toBeNull();
    expect(negotiateCoding('gzip, identity;q=0.5')).toBe('gzip');
  });
});

describe('isCompressible', () => {
  const h = (init: Record<string, string>) => new Headers(init);

  it('takes JSON and text', () => {
    expect(isCompressible(h({ 'content-type': 'application/json; charset=utf-8' }))).toBe(true);
    expect(isCompressible(h({ 'content-type': 'application/problem+json' }))).toBe(true);
    expect(isCompressible(h({ 'content-type': 'text/plain' }))).toBe(true);
  });

  it('leaves alone other types, no-transform, and bodies already encoded', () => {
    expect(isCompressible(h({}))).toBe(false);
    expect(isCompressible(h({ 'content-type': 'image/png' }))).toBe(false);
    expect(isCompressible(h({ 'content-type': 'application/jsonp' }))).toBe(false);
    expect(isCompressible(h({ 'content-type': 'application/json', 'cache-control': 'no-store, no-transform' }))).toBe(false);
    expect(isCompressible(h({ 'content-type': 'application/json', 'content-encoding': 'br' }))).toBe(false);
  });
});

describe('compress', () => {
  it('round-trips small and large bodies in both codings', async () => {
    for (const size of [2_000, 200_000]) {
      const body = Buffer.from(JSON.stringify({ rows: Array.from({ length: size / 20 }, (_, i) => ({ i })) }));
      expect(zlib.gunzipSync(await compress('gzip', body)).equals(body)).toBe(true);
      expect(zlib.inflateSync(await compress('deflate', body)).equals(body)).toBe(true);
    }
  });
});
