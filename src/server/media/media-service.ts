// Media content for one instance: the content store (opened on first use), the tus upload
// endpoint, the download, and the sweeps of expired uploads and retired content, run on an
// upload's creation at most every SWEEP_EVERY_MS (a per-instance pace, not a decision: any
// instance's sweep does the deployment's work).
import type { ServerContext } from '../context';
import type { ContentStore } from './content-store';
import { mediaContent } from './media-content';
import { sweepExpiredUploads, sweepRetiredContent } from './media-sweeps';
import { mediaUploads } from './media-uploads';
import { openContentStore } from './open-content-store';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface MediaService {
  readonly createUpload: (request: Request) => Promise<Response>;
  readonly upload: (request: Request) => Promise<Response>;
  readonly content: (request: Request) => Promise<Response>;
  /** Both sweeps once; what they removed. */
  sweep(): Promise<{ readonly expiredUploads: number; readonly retiredContent: number }>;
  readonly store: () => Promise<ContentStore>;
}

export function createMediaService(ctx: ServerContext): MediaService {
  let opened: Promise<ContentStore> | undefined;
  const store = () => (opened ??= openContentStore(ctx.config));
  let lastSweep = Number.NEGATIVE_INFINITY;
  const sweep = async () => {
    const s = await store();
    return { expiredUploads: await sweepExpiredUploads(ctx.database, s), retiredContent: await sweepRetiredContent(ctx.database, s) };
  };
  const uploads = mediaUploads(ctx, {
    store,
    onStored: (_mediaId, _entityId, bytes) => {
      ctx.metrics.uploads.inc();
      ctx.metrics.uploadBytes.inc(bytes);
    },
    onCreate: () => {
      const now = ctx.clock.now();
      if (now - lastSweep < SWEEP_EVERY_MS) return;
      lastSweep = now;
      sweep().catch((err: unknown) => ctx.log.warn({ err }, 'media sweep failed'));
    },
  });
  return {
    createUpload: (request) => uploads.create(request),
    upload: (request) => uploads.upload(request),
    content: (request) => mediaContent(ctx, store, request),
    sweep,
    store,
  };
}
