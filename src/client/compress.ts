// Gzip of a request body through the platform's CompressionStream (every current browser, and
// Node 18+). A push of 100 changes is ~70 KB of JSON that gzip makes several times smaller; on
// a weak mobile uplink the bytes are most of the time a push takes, and a smaller push is more
// likely to get through before the signal goes again.
import type { Compress } from './env';

/** Bodies shorter than this go as they are: gzip would save too little to pay for itself. */
export const MIN_COMPRESSED_LENGTH = 1024;

export async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gzipText where the platform has CompressionStream, else null (bodies then go as they are). */
export function platformGzip(): Compress | null {
  return typeof CompressionStream === 'function' ? gzipText : null;
}
