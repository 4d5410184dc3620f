// A JSON request body as the bench's clients send it: gzip-encoded from 1 KB when asked, as the
// app's engine sends a push (src/client/transport.ts), else as it is.
// The bytes are the engine's: Node's CompressionStream is zlib's gzip at its default level, so
// zlib.gzipSync gives the same bytes (request-body.test.ts checks), in much less time: Node's
// web streams around the same zlib call cost more than the compression.
// That cost is the bench process's, not the push path's nor a browser's (whose CompressionStream
// is native), and with every push measured one after another it would count as the server's.
import zlib from 'node:zlib';
import { MIN_COMPRESSED_LENGTH } from '@/client/compress';

/** The body to send and the headers that describe it (none for no body). */
export function requestBody(body: unknown, compress: boolean): { body?: BodyInit; headers: Record<string, string> } {
  if (body === undefined) return { headers: {} };
  const text = JSON.stringify(body);
  if (compress && text.length >= MIN_COMPRESSED_LENGTH)
    return { body: zlib.gzipSync(text) as BodyInit, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
  return { body: text, headers: { 'content-type': 'application/json' } };
}
