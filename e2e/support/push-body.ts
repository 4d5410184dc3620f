// What a push request from the app carried: its change ids, its body gzip-decoded when the
// engine compressed it (src/client/compress.ts: bodies of 1 KB or more).
import { gunzipSync } from 'node:zlib';
import type { Request } from 'playwright-core';

export interface PushSent {
  readonly encoding: string | null;
  readonly changeIds: string[];
}

export function pushSent(request: Request): PushSent {
  const encoding = request.headers()['content-encoding'] ?? null;
  const raw = request.postDataBuffer() ?? Buffer.alloc(0);
  const text = (encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  const body = JSON.parse(text || '{}') as { changes?: { changeId: string }[] };
  return { encoding, changeIds: (body.changes ?? []).map((c) => c.changeId) };
}
