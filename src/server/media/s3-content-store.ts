// Media content in S3-compatible object storage, through @tus/s3-store: an upload is a multipart
// upload under its id, an object once complete. Every instance of a deployment sees the same
// bucket, which is what several instances need.
import type { Readable } from 'node:stream';
import { S3 } from '@aws-sdk/client-s3';
import { S3Store } from '@tus/s3-store';
import type { S3Config } from '../config';
import { type ByteRange, type ContentStore, assertKey } from './content-store';

function clientConfig(s3: S3Config) {
  return {
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
  };
}

const notFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
};

export function s3ContentStore(s3: S3Config, expirationMs: number): ContentStore {
  const config = clientConfig(s3);
  const uploads = new S3Store({ s3ClientConfig: { ...config, bucket: s3.bucket }, expirationPeriodInMilliseconds: expirationMs });
  const client = new S3(config);
  return {
    uploads,
    async read(key: string, range?: ByteRange): Promise<Readable> {
      assertKey(key);
      const out = await client.getObject({ Bucket: s3.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) });
      return out.Body as Readable;
    },
    async size(key) {
      assertKey(key);
      try {
        const head = await client.headObject({ Bucket: s3.bucket, Key: key });
        return head.ContentLength ?? 0;
      } catch (e) {
        if (notFound(e)) return null;
        throw e;
      }
    },
    async remove(key) {
      assertKey(key);
      try {
        await uploads.remove(key);
      } catch (e) {
        // Nothing under that key (tus's FILE_NOT_FOUND, or S3's 404): already removed.
        if ((e as { status_code?: number }).status_code === 404 || notFound(e)) return;
        throw e;
      }
    },
  };
}
