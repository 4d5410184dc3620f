// Reads a request body as JSON within a byte limit, refusing an oversized body (413) before
// parsing it, then checks it against a zod schema. The body may come gzip- or deflate-encoded
// (Content-Encoding), as the device engine sends pushes: a batch of JSON shrinks several times,
// which on a weak mobile connection is most of the time it takes. The limit holds for the body
// both as sent and as decoded, so a small body that inflates past it (a zip bomb) is 413 too.
// Inflating runs on libuv's thread pool (async zlib), so a large body never blocks the event loop.
// What JSON.parse may build is bounded as well (json-value-count.ts): a body with more values
// than `maxValues` is 413 before it is parsed, so no request holds more than a few MB of heap.
// An encoded body's decoded size is reserved in the instance's body memory (admit.ts) before it
// becomes text: 503 when the instance cannot take it now.
// Text must be valid UTF-8: a stored string is never a silent replacement of what was sent.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { z } from 'zod';
import { ApiError, badRequest, payloadTooLarge } from './api-error';
import { holdDecoded } from './admit';
import { withinJsonValues } from './json-value-count';

/** Content codings a request body may come in (besides none), as Accept-Encoding lists them. */
export const REQUEST_CODINGS = 'gzip, deflate';

/**
 * The values (and keys) a body of `limit` bytes may hold: one per 10 bytes. Valid JSON needs at
 * least 1.5 bytes per value (`[],`), and realistic records (form answers, ids, text) far more than
 * 10, so a body of sensible data never comes near it; at 2 MiB it is ~200k values, more than one
 * record of MAX_RECORD_DATA_BYTES can hold, so a batch split down to one change always passes.
 */
export function maxValuesFor(limit: number): number {
  return Math.max(16, Math.floor(limit / 10));
}

export async function readJson(request: Request, limit: number, maxValues = maxValuesFor(limit)): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw payloadTooLarge(limit);
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type))
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const decode = decoder(request.headers.get('content-encoding'));
  const text = await readText(request, limit, decode && (async (body, max) => {
    const decoded = await decode(body, max);
    holdDecoded(request, decoded.byteLength);
    return decoded;
  }));
  if (text.trim() === '') throw badRequest('the request body is empty');
  if (!withinJsonValues(text, maxValues))
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body with too many JSON values (over ${maxValues})`, { limit, maxValues });
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Decode = ((body: Uint8Array, limit: number) => Promise<Uint8Array>) | null;
type Inflate = (body: Uint8Array, options: zlib.ZlibOptions) => Promise<Buffer>;
const gunzip: Inflate = promisify(zlib.gunzip);
const inflate: Inflate = promisify(zlib.inflate);

/** How to decode a body sent with this Content-Encoding; 415 for a coding not supported. */
function decoder(header: string | null): Decode {
  const coding = header?.trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity') return null;
  if (coding === 'gzip' || coding === 'x-gzip') return (body, limit) => inflated(gunzip, body, limit, 'gzip');
  if (coding === 'deflate') return (body, limit) => inflated(inflate, body, limit, 'deflate');
  throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body gzip- or deflate-encoded, or not encoded', undefined, {
    'Accept-Encoding': REQUEST_CODINGS,
  });
}

async function inflated(inflate: Inflate, body: Uint8Array, limit: number, coding: string): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    // One byte past the limit: enough to know the body is over it, never more held in memory.
    out = await inflate(body, { maxOutputLength: limit + 1 });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw payloadTooLarge(limit);
    throw badRequest(`the request body is not valid ${coding}`);
  }
  if (out.byteLength > limit) throw payloadTooLarge(limit);
  return out;
}

async function readText(request: Request, limit: number, decode: Decode = null): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = decode === null ? concat(chunks, size) : await decode(concat(chunks, size), limit);
  try {
    return UTF8.decode(body);
  } catch {
    throw badRequest('the request body is not valid UTF-8');
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Parses with `schema`; a mismatch is `400 <code>` with the issues as details. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: 'VALIDATION' | 'BAD_REQUEST' = 'VALIDATION',
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ApiError(400, code, 'the request does not match the protocol', details);
}
