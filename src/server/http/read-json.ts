// Reads a request body as JSON within a byte limit, refusing an oversized body (413) before
// parsing it, then checks it against a zod schema. The body may come gzip- or deflate-encoded
// (Content-Encoding), as the device engine sends pushes: a batch of JSON shrinks several times,
// which on a weak mobile connection is most of the time it takes. The limit holds for the body
// both as sent and as decoded, so a small body that inflates past it (a zip bomb) is 413 too.
import zlib from 'node:zlib';
import type { z } from 'zod';
import { ApiError, badRequest, payloadTooLarge } from './api-error';

/** Content codings a request body may come in (besides none), as Accept-Encoding lists them. */
export const REQUEST_CODINGS = 'gzip, deflate';

export async function readJson(request: Request, limit: number): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw payloadTooLarge(limit);
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type))
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const decode = decoder(request.headers.get('content-encoding'));
  const text = await readText(request, limit, decode);
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

type Decode = ((body: Uint8Array, limit: number) => Uint8Array) | null;

/** How to decode a body sent with this Content-Encoding; 415 for a coding not supported. */
function decoder(header: string | null): Decode {
  const coding = header?.trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity') return null;
  if (coding === 'gzip' || coding === 'x-gzip') return (body, limit) => inflated(zlib.gunzipSync, body, limit, 'gzip');
  if (coding === 'deflate') return (body, limit) => inflated(zlib.inflateSync, body, limit, 'deflate');
  throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body gzip- or deflate-encoded, or not encoded', undefined, {
    'Accept-Encoding': REQUEST_CODINGS,
  });
}

function inflated(inflate: typeof zlib.gunzipSync, body: Uint8Array, limit: number, coding: string): Uint8Array {
  let out: Uint8Array;
  try {
    // One byte past the limit: enough to know the body is over it, never more held in memory.
    out = inflate(body, { maxOutputLength: limit + 1 });
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
  const body = decode === null ? concat(chunks, size) : decode(concat(chunks, size), limit);
  return new TextDecoder('utf-8', { fatal: false }).decode(body);
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
