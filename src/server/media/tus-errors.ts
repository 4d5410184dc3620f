// @tus/server answers errors in plain text with tus's statuses; the API answers every error
// with the protocol's JSON body. This turns one into the other, keeping tus's headers
// (Tus-Resumable, Upload-Offset) and a body a hook already wrote as JSON.
import type { ErrorCode } from '@/protocol/errors';
import type { Logger } from '../log';
import { JSON_HEADERS } from '../http/respond';

// tus's statuses as the API's: its 403s are missing headers and its 410 an expired upload.
const BY_STATUS: Readonly<Record<number, readonly [number, ErrorCode]>> = {
  400: [400, 'BAD_REQUEST'],
  403: [400, 'BAD_REQUEST'],
  404: [404, 'NOT_FOUND'],
  409: [409, 'CONFLICT'],
  410: [404, 'NOT_FOUND'],
  412: [400, 'BAD_REQUEST'],
  413: [413, 'PAYLOAD_TOO_LARGE'],
  460: [460, 'CHECKSUM_MISMATCH'],
  501: [400, 'BAD_REQUEST'],
};

export async function tusJsonResponse(response: Response, log: Logger): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(JSON_HEADERS)) headers.set(k, v);
  headers.delete('content-length');
  if (text.startsWith('{"error":')) return new Response(text, { status: response.status, headers });
  const mapped = BY_STATUS[response.status];
  if (!mapped) {
    log.error({ status: response.status, body: text }, 'media upload failed');
    return new Response(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }), { status: 500, headers });
  }
  const [status, code] = mapped;
  const message = text.trim() || 'the upload request was refused';
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers });
}
