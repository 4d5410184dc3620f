// Response compression for the API, as `next start` compressed it (its bundled `compression`
// middleware): gzip when the client accepts it, deflate when only that, for JSON and text that
// does not say `Cache-Control: no-transform`, never for HEAD, 204 or 304, and `Vary:
// Accept-Encoding` on every compressible answer. One difference: bodies under 1 KiB go as they
// are (the middleware's own threshold; `next start` streamed bodies past it), since gzip makes
// small JSON bigger. Pull pages and push results shrink several times over slow networks.
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Coding = 'gzip' | 'deflate';

export const MIN_COMPRESSED_BYTES = 1024;
// Below this, compressing on the event loop costs less than a trip to the thread pool, and zlib's
// fastest level gives nearly the default level's size at half its time. Larger bodies (pull
// pages) keep the default level, where the extra bytes saved are worth it.
const SYNC_LIMIT = 64 * 1024;
const SMALL = { level: zlib.constants.Z_BEST_SPEED };
const COMPRESSIBLE = /^\s*(?:text\/|application\/(?:[\w.-]+\+)?json\s*(?:;|$))/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

/** Whether a response with these headers may be compressed (and so varies by Accept-Encoding). */
export function isCompressible(headers: Headers): boolean {
  const type = headers.get('content-type');
  if (type === null || !COMPRESSIBLE.test(type)) return false;
  const cache = headers.get('cache-control');
  if (cache !== null && NO_TRANSFORM.test(cache)) return false;
  const coding = headers.get('content-encoding');
  return coding === null || coding === 'identity';
}

/**
 * The coding to answer with for an Accept-Encoding header: gzip whenever it is acceptable,
 * else deflate, else none; none too when the client rates `identity` above both.
 */
export function negotiateCoding(acceptEncoding: string | undefined): Coding | null {
  if (!acceptEncoding) return null;
  let gzipQ: number | undefined;
  let deflateQ: number | undefined;
  let identityQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of acceptEncoding.split(',')) {
    const semi = part.indexOf(';');
    const name = (semi < 0 ? part : part.slice(0, semi)).trim().toLowerCase();
    const q = semi < 0 ? 1 : quality(part.slice(semi + 1));
    if (name === 'gzip' || name === 'x-gzip') gzipQ = q;
    else if (name === 'deflate') deflateQ = q;
    else if (name === 'identity') identityQ = q;
    else if (name === '*') anyQ = q;
  }
  const g = gzipQ ?? anyQ ?? 0;
  const d = deflateQ ?? anyQ ?? 0;
  const best = Math.max(g, d);
  if (best <= 0 || (identityQ !== undefined && identityQ > best)) return null;
  return g > 0 ? 'gzip' : 'deflate';
}

function quality(params: string): number {
  for (const p of params.split(';')) {
    const eq = p.indexOf('=');
    if (eq >= 0 && p.slice(0, eq).trim().toLowerCase() === 'q') {
      const q = Number(p.slice(eq + 1).trim());
      return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0;
    }
  }
  return 1;
}

export async function compress(coding: Coding, body: Uint8Array): Promise<Buffer> {
  if (body.byteLength < SYNC_LIMIT) return coding === 'gzip' ? zlib.gzipSync(body, SMALL) : zlib.deflateSync(body, SMALL);
  return coding === 'gzip' ? gzip(body) : deflate(body);
}

/** A streaming compressor, for bodies that come in more than one chunk. */
export function compressor(coding: Coding): zlib.Gzip | zlib.Deflate {
  return coding === 'gzip' ? zlib.createGzip() : zlib.createDeflate();
}
