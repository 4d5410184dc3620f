// A JSON request body as the bench's clients send it: gzip-encoded from 1 KB when asked, as the
// app's engine sends a push (src/client/transport.ts), else as it is.
import { MIN_COMPRESSED_LENGTH, gzipText } from '@/client/compress';

/** The body to send and the headers that describe it (none for no body). */
export async function requestBody(body: unknown, compress: boolean): Promise<{ body?: BodyInit; headers: Record<string, string> }> {
  if (body === undefined) return { headers: {} };
  const text = JSON.stringify(body);
  if (compress && text.length >= MIN_COMPRESSED_LENGTH)
    return { body: (await gzipText(text)) as BodyInit, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
  return { body: text, headers: { 'content-type': 'application/json' } };
}
