// The SHA-256 of a stream, read once piece by piece (never whole in memory), as lowercase hex.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
