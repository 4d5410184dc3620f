// One upload attempt with tus-js-client: creation at /api/v1/media/uploads (metadata mediaId,
// filename, filetype), then 1 MiB PATCHes; it resumes from the URL kept in the `uploads` row.
// tus-js-client's own retries are off: the upload state machine decides when to try again.
// The bearer is read on every request, so a token set mid-upload is used at once.
import { Upload } from 'tus-js-client';
import type { FieldsyncDb } from '../db';
import type { FetchLike } from '../env';
import { blobFileReader } from './blob-file-reader';
import { FetchHttpStack } from './fetch-http-stack';
import { type UploadOutcome, classifyAnswer, parseErrorBody, parseRetryAfter } from './upload-outcome';
import { uploadFingerprint, uploadUrlStorage } from './upload-url-storage';
import type { TusHttpResponse } from './tus-types';

export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface UploadJob {
  readonly mediaId: string;
  readonly blob: Blob;
  readonly fileName: string;
  readonly contentType: string;
  /** The current bearer (null: signed out). */
  token(): string | null;
  onProgress(bytesSent: number): void;
  readonly signal: AbortSignal;
}

/** Sends one media's bytes; the upload queue drives it. Never rejects: every end is an outcome. */
export interface Uploader {
  upload(job: UploadJob): Promise<UploadOutcome>;
}

export interface TusUploaderOptions {
  readonly db: FieldsyncDb;
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  readonly chunkSize?: number;
}

export function tusUploader(opts: TusUploaderOptions): Uploader {
  const endpoint = `${opts.baseUrl}/api/v1/media/uploads`;
  const httpStack = new FetchHttpStack(opts.fetch);
  const attempt = (job: UploadJob): Promise<UploadOutcome> =>
    new Promise<UploadOutcome>((resolve) => {
      if (job.token() === null) return resolve({ kind: 'unauthorized' });
      let settled = false;
      const done = (o: UploadOutcome) => {
        if (settled) return;
        settled = true;
        job.signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      const upload = new Upload(job.blob, {
        endpoint,
        metadata: { mediaId: job.mediaId, filename: job.fileName, filetype: job.contentType },
        chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE,
        retryDelays: null,
        onShouldRetry: () => false,
        httpStack,
        fileReader: blobFileReader,
        urlStorage: uploadUrlStorage(opts.db, job.mediaId),
        fingerprint: () => Promise.resolve(uploadFingerprint(job.mediaId)),
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: false,
        onBeforeRequest: (req) => {
          const token = job.token();
          if (token !== null) req.setHeader('Authorization', `Bearer ${token}`);
        },
        onProgress: (sent) => job.onProgress(sent),
        onSuccess: () => done({ kind: 'uploaded' }),
        onError: (error) => done(outcomeOf(error)),
      });
      const onAbort = () => {
        void upload.abort(false);
        done({ kind: 'wait', reason: 'the upload was paused' });
      };
      if (job.signal.aborted) return onAbort();
      job.signal.addEventListener('abort', onAbort);
      upload
        .findPreviousUploads()
        .then((previous) => {
          if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
          if (!settled) upload.start();
        })
        .catch((e: unknown) => done({ kind: 'failed', error: e instanceof Error ? e.message : String(e) }));
    });
  return {
    async upload(job) {
      const first = await attempt(job);
      // 409: the offset the client assumed is not the server's (content already stored, or a
      // chunk it got twice). Resuming asks the server for its offset with HEAD, once.
      if (first.kind === 'failed' && first.error.startsWith('HTTP 409') && !job.signal.aborted) return attempt(job);
      return first;
    },
  };
}

function outcomeOf(error: Error): UploadOutcome {
  const response = (error as { originalResponse?: TusHttpResponse | null }).originalResponse ?? null;
  if (!response) {
    const cause = (error as { causingError?: Error | null }).causingError;
    return { kind: 'failed', error: `network error: ${cause?.message ?? error.message}` };
  }
  const { code, message } = parseErrorBody(response.getBody());
  return classifyAnswer({ status: response.getStatus(), code, message, retryAfter: parseRetryAfter(response.getHeader('Retry-After')) });
}
