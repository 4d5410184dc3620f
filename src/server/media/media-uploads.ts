// The tus resumable upload endpoint (docs/protocol.md "Media content"): POST creates an upload
// for a media record, HEAD gives the offset to resume from, PATCH appends, DELETE gives up.
// @tus/server speaks the protocol; around it, every request is authenticated, a creation is
// checked against the record (access, length, type, name) before tus sees it, an upload id is
// bound to its media record and its creator (media_uploads), writes are serialized by a lease
// that holds across instances (upload-lease-locker.ts), and the last byte is verified against
// the record's sha256 before the content counts as stored (media_content). Every error is the
// protocol's JSON body.
import { sql } from 'drizzle-orm';
import { Server, type ServerOptions } from '@tus/server';
import { Metadata, type Upload } from '@tus/utils';
import { type Caller, authenticate } from '../auth/authenticate';
import type { ServerContext } from '../context';
import { chargeRequest } from '../limits/charge';
import { rows } from '../db/database';
import { ApiError, conflict, notFound, payloadTooLarge, validation } from '../http/api-error';
import type { ContentStore } from './content-store';
import { type MediaDescription, type MediaRecord, describedContent, loadMediaRecord, requireReadable, requireWritable } from './media-record';
import { LeaseLocker, NO_LOCK } from './upload-lease-locker';
import { isUploadId, newUploadId } from './upload-id';
import { checkUpload } from './upload-rules';
import { sha256Of } from './sha256-of';
import { tusJsonResponse } from './tus-errors';

export const UPLOADS_PATH = '/api/v1/media/uploads';

interface Creation {
  readonly caller: Caller;
  readonly record: MediaRecord;
  readonly media: MediaDescription;
}

export interface UploadRow {
  id: string;
  media_id: string;
  user_id: string;
  completed_at: Date | null;
}

export interface MediaUploads {
  /** POST /api/v1/media/uploads */
  create(request: Request): Promise<Response>;
  /** HEAD, PATCH, DELETE /api/v1/media/uploads/{id} */
  upload(request: Request): Promise<Response>;
}

export interface UploadHooks {
  /** The deployment's content store, opened once. */
  readonly store: () => Promise<ContentStore>;
  /** Content became available (a live-update hint, metrics). */
  readonly onStored?: (mediaId: string, entityId: string, bytes: number) => void;
  /** An upload is being created: a moment to sweep expired ones (media-sweeps.ts). */
  readonly onCreate?: () => void;
}

export function mediaUploads(ctx: ServerContext, hooks: UploadHooks): MediaUploads {
  const { store, onStored = () => {}, onCreate = () => {} } = hooks;
  const db = ctx.database.db;
  const creations = new WeakMap<Request, Creation>();
  const leases = new LeaseLocker(db);
  const noLocker = { newLock: () => NO_LOCK };
  let tus: Server | undefined;

  const finish = async (content: ContentStore, upload: Upload): Promise<void> => {
    const [row] = await rows<UploadRow>(db, sql`select id, media_id, user_id, completed_at from media_uploads where id = ${upload.id}`);
    const record = row ? await loadMediaRecord(db, row.media_id) : null;
    const media = record ? describedContent(record) : null;
    const hash = await sha256Of(await content.read(upload.id));
    if (!row || !record || !media || hash !== media.sha256) {
      await content.remove(upload.id);
      await db.execute(sql`delete from media_uploads where id = ${upload.id}`);
      throw {
        status_code: 460,
        body: JSON.stringify({ error: { code: 'CHECKSUM_MISMATCH', message: 'the content does not match the sha256 of its record; nothing was stored' } }),
      };
    }
    // Content for this record stored before (under an older sha256) gives way to this one.
    const [previous] = await rows<{ storage_key: string }>(
      db,
      sql`select storage_key from media_content where media_id = ${record.id} and storage_key <> ${upload.id}`,
    );
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into media_content (media_id, size, sha256, content_type, storage_key)
        values (${record.id}, ${media.size}, ${hash}, ${media.contentType}, ${upload.id})
        on conflict (media_id) do update set size = excluded.size, sha256 = excluded.sha256,
          content_type = excluded.content_type, storage_key = excluded.storage_key, stored_at = now()`);
      await tx.execute(sql`update media_uploads set completed_at = now() where id = ${upload.id}`);
      // A touch (same version, same columns: migration 0014): the record goes to the end of the
      // pull feed, so devices that pulled it before learn contentAvailable, and its entity's
      // live streams hear of it (the records trigger announces the write).
      await tx.execute(sql`update records set version = version where id = ${record.id}`);
    });
    if (previous) {
      await content.remove(previous.storage_key);
      await db.execute(sql`delete from media_uploads where id = ${previous.storage_key}`);
    }
    onStored(record.id, record.entityId, media.size);
  };

  const finishIfWhole = async (id: string): Promise<void> => {
    const content = await store();
    const upload = await content.uploads.getUpload(id).catch(() => null);
    if (!upload || upload.size === undefined || upload.offset !== upload.size) return;
    try {
      await finish(content, upload);
    } catch (e) {
      const tusError = e as { status_code?: number };
      if (tusError.status_code === 460) throw new ApiError(460, 'CHECKSUM_MISMATCH', 'the content does not match the sha256 of its record; nothing was stored');
      throw e;
    }
  };

  const server = async (): Promise<Server> => {
    if (tus) return tus;
    const content = await store();
    const options: ServerOptions & { datastore: ContentStore['uploads'] } = {
      path: UPLOADS_PATH,
      datastore: content.uploads,
      maxSize: ctx.config.mediaMaxBytes,
      relativeLocation: true,
      // Same-origin only: no CORS headers for other origins.
      allowedOrigins: [],
      disableTerminationForFinishedUploads: true,
      namingFunction: () => newUploadId(),
      locker: (req) => (req.method === 'HEAD' ? noLocker : leases),
      onUploadCreate: async (req, upload) => {
        const c = creations.get(req as unknown as Request);
        if (!c) throw { status_code: 500, body: 'upload created without its checks' };
        const expires = new Date(Date.now() + ctx.config.mediaUploadExpirySeconds * 1000);
        await db.execute(sql`insert into media_uploads (id, media_id, user_id, size, expires_at)
          values (${upload.id}, ${c.record.id}, ${c.caller.id}, ${c.media.size}, ${expires.toISOString()}::timestamptz)`);
        return {};
      },
      onUploadFinish: async (_req, upload) => {
        await finish(content, upload);
        return {};
      },
    };
    tus = new Server(options);
    return tus;
  };

  const handle = async (request: Request): Promise<Response> => tusJsonResponse(await (await server()).handleWeb(request), ctx.log);

  return {
    async create(request) {
      const caller = await authenticate(ctx, request);
      await chargeRequest(ctx, caller.id);
      const length = declaredLength(request);
      if (length > ctx.config.mediaMaxBytes) throw payloadTooLarge(ctx.config.mediaMaxBytes);
      const mediaId = metadataOf(request).mediaId;
      if (!mediaId) throw validation('Upload-Metadata must name mediaId, the id of the media record');
      const record = requireWritable(caller, await loadMediaRecord(db, mediaId));
      const media = describedContent(record);
      if (!media) throw validation('the media record does not describe its content (size, sha256, contentType, fileName)');
      const refused = checkUpload(length, media, { maxBytes: ctx.config.mediaMaxBytes, types: ctx.config.mediaTypes });
      if (refused) throw new ApiError(refused.status, refused.code, refused.message);
      // Stored already: the upload is complete, no byte needs to travel again.
      const [stored] = await rows<{ storage_key: string }>(
        db,
        sql`select storage_key from media_content where media_id = ${record.id} and sha256 = ${media.sha256}`,
      );
      if (stored) {
        await request.body?.cancel().catch(() => {});
        return new Response(null, {
          status: 201,
          headers: { 'Tus-Resumable': '1.0.0', Location: `${UPLOADS_PATH}/${stored.storage_key}`, 'Upload-Offset': String(media.size), 'Cache-Control': 'no-store' },
        });
      }
      creations.set(request, { caller, record, media });
      onCreate();
      return handle(request);
    },

    async upload(request) {
      const caller = await authenticate(ctx, request);
      await chargeRequest(ctx, caller.id);
      const id = new URL(request.url).pathname.split('/').pop() ?? '';
      if (!isUploadId(id)) throw notFound('no such upload');
      const [row] = await rows<UploadRow>(db, sql`select id, media_id, user_id, completed_at from media_uploads where id = ${id}`);
      if (!row) throw notFound('no such upload');
      if (row.user_id !== caller.id) {
        // Another user's upload is theirs alone; its finished content, once stored, any reader may see is complete.
        if (request.method !== 'HEAD' || row.completed_at === null) throw notFound('no such upload');
        requireReadable(caller, await loadMediaRecord(db, row.media_id));
      }
      // Every byte arrived but storing it failed (the database went away after the last PATCH):
      // the upload is finished now, so a HEAD never reports as complete content that is not stored.
      if (request.method === 'HEAD' && row.completed_at === null && row.user_id === caller.id) await finishIfWhole(id);
      if (request.method === 'PATCH') {
        if (row.completed_at !== null) throw conflict('the upload is complete; ask HEAD for its offset');
        const length = Number(request.headers.get('content-length') ?? Number.NaN);
        if (Number.isFinite(length) && length > ctx.config.mediaChunkMaxBytes) throw payloadTooLarge(ctx.config.mediaChunkMaxBytes);
      }
      const response = await handle(request);
      if (request.method === 'DELETE' && response.status === 204) await db.execute(sql`delete from media_uploads where id = ${id}`);
      return response;
    },
  };
}

function declaredLength(request: Request): number {
  const raw = request.headers.get('upload-length');
  if (request.headers.has('upload-defer-length')) throw validation('Upload-Length is required: the record names the size');
  if (raw === null || !/^\d{1,16}$/.test(raw.trim())) throw validation('Upload-Length must be the content\'s size in bytes');
  return Number(raw.trim());
}

function metadataOf(request: Request): Record<string, string | null> {
  const raw = request.headers.get('upload-metadata');
  if (!raw) return {};
  try {
    return Metadata.parse(raw) ?? {};
  } catch {
    throw validation('Upload-Metadata is malformed');
  }
}
