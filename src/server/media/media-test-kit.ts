// For the media tests: the real API on a test database with its media in a temporary folder,
// media records pushed through the real push, and tus requests built as a tus client sends them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Config } from '../config';
import { type Database, rows } from '../db/database';
import { type DemoUser, NORTH, type PushKit, change, newId, pushKit } from '../sync/push/push-test-kit';

export interface MediaKit extends PushKit {
  readonly mediaDir: string;
  /** Pushes (as `user`, in `entityId`) an assessment and a media record describing `content`; its id. */
  mediaRecord(user: DemoUser, content: Buffer, over?: Record<string, unknown>, entityId?: string): Promise<string>;
  /** Calls the API handler the routing table names for this tus request. */
  tus(user: DemoUser | null, method: 'POST' | 'HEAD' | 'PATCH' | 'DELETE', url: string, headers?: Record<string, string>, body?: Uint8Array): Promise<Response>;
  /** POST creating an upload of `length` bytes for `mediaId`. */
  create(user: DemoUser, mediaId: string, length: number): Promise<Response>;
  /** PATCH `bytes` at `offset`. */
  patch(user: DemoUser, location: string, offset: number, bytes: Uint8Array): Promise<Response>;
  /** GET (or HEAD) the content of a media record. */
  content(user: DemoUser | null, mediaId: string, headers?: Record<string, string>, method?: 'GET' | 'HEAD'): Promise<Response>;
  contentRows(mediaId: string): Promise<number>;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
export const bytes = (n: number): Buffer => randomBytes(n);
const b64 = (s: string) => Buffer.from(s).toString('base64');

export async function mediaKit(database: Database, config: Partial<Config> = {}): Promise<MediaKit> {
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-media-test-'));
  const kit = await pushKit(database, { mediaDir, ...config });
  const api = kit.server.api as unknown as Record<string, (r: Request) => Promise<Response>>;
  const tus: MediaKit['tus'] = async (user, method, url, headers = {}, body) => {
    const name = method === 'POST' ? 'mediaUploadCreate' : 'mediaUpload';
    const auth: Record<string, string> = user ? { authorization: `Bearer ${await kit.token(user)}` } : {};
    return api[name]!(
      new Request(new URL(url, 'http://test').toString(), {
        method,
        headers: { 'tus-resumable': '1.0.0', ...auth, ...headers },
        ...(body ? { body: body as BodyInit } : {}),
      }),
    );
  };
  return {
    ...kit,
    mediaDir,
    async mediaRecord(user, content, over = {}, entityId = NORTH) {
      const parentId = newId();
      const mediaId = newId();
      const data = { parentId, contentType: 'image/jpeg', size: content.length, sha256: sha256(content), fileName: 'photo.jpg', ...over };
      const res = await kit.push(user, [
        change({ recordId: parentId, entityId }),
        change({ type: 'media', recordId: mediaId, entityId, data }),
      ]);
      if (res.successful.length !== 2) throw new Error(`media record not pushed: ${JSON.stringify(res)}`);
      return mediaId;
    },
    tus,
    create: (user, mediaId, length) =>
      tus(user, 'POST', '/api/v1/media/uploads', { 'upload-length': String(length), 'upload-metadata': `mediaId ${b64(mediaId)},filename ${b64('photo.jpg')}` }),
    patch: (user, location, offset, body) =>
      tus(user, 'PATCH', location, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(body.length) }, body),
    content: async (user, mediaId, headers = {}, method = 'GET') =>
      api.mediaContent!(
        new Request(`http://test/api/v1/media/${mediaId}/content`, {
          method,
          headers: { ...(user ? { authorization: `Bearer ${await kit.token(user)}` } : {}), ...headers },
        }),
      ),
    async contentRows(mediaId) {
      const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from media_content where media_id = ${mediaId}`);
      return r?.n ?? 0;
    },
  };
}
