// GET (and HEAD) /api/v1/media/{id}/content: a media record's bytes, streamed from the content
// store, for a caller who may read its entity (the pull's rule). The ETag is the content's
// sha256, so a device revalidates with If-None-Match (304) and resumes with Range (206).
// Content not stored yet, or stored for an older sha256 of the record, is 409 CONTENT_PENDING.
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { authenticate } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { chargeRequest } from '../limits/charge';
import { rows } from '../db/database';
import { ApiError } from '../http/api-error';
import { parseRange } from './byte-range';
import type { ContentStore } from './content-store';
import { describedContent, loadMediaRecord, requireReadable } from './media-record';

const CONTENT_PATH = /\/api\/v1\/media\/([^/]+)\/content$/;

export async function mediaContent(ctx: ServerContext, store: () => Promise<ContentStore>, request: Request): Promise<Response> {
  const caller = await authenticate(ctx, request);
  await chargeRequest(ctx, caller.id);
  const id = decodeURIComponent(CONTENT_PATH.exec(new URL(request.url).pathname)?.[1] ?? '');
  const record = requireReadable(caller, await loadMediaRecord(ctx.database.db, id));
  const sha256 = describedContent(record)?.sha256;
  const [content] = await rows<{ size: string; sha256: string; content_type: string; storage_key: string }>(
    ctx.database.db,
    sql`select size::text, sha256, content_type, storage_key from media_content where media_id = ${record.id}`,
  );
  if (!content || content.sha256 !== sha256) throw new ApiError(409, 'CONTENT_PENDING', 'the content of this media record has not been uploaded yet');
  const size = Number(content.size);
  const headers: Record<string, string> = {
    'Content-Type': content.content_type,
    ETag: `"${content.sha256}"`,
    'Cache-Control': 'private, max-age=0, must-revalidate',
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    // Shown, never run: the API's own headers add a Content-Security-Policy of default-src 'none'.
    'Content-Disposition': 'inline',
  };
  if (ifNoneMatch(request.headers.get('if-none-match'), content.sha256)) return new Response(null, { status: 304, headers });
  const ask = parseRange(request.headers.get('range'), size);
  if (ask.kind === 'unsatisfiable')
    throw new ApiError(416, 'RANGE_NOT_SATISFIABLE', `the content has ${size} bytes`, undefined, { 'Content-Range': `bytes */${size}` });
  const range = ask.kind === 'range' ? ask.range : undefined;
  const length = range ? range.end - range.start + 1 : size;
  const status = range ? 206 : 200;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = String(length);
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  const stream = await (await store()).read(content.storage_key, range);
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
}

function ifNoneMatch(header: string | null, sha256: string): boolean {
  if (header === null) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${sha256}"`;
  });
}
