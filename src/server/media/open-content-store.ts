// The deployment's content store: S3 when FIELDSYNC_S3_BUCKET is set, else the media folder.
import type { Config } from '../config';
import type { ContentStore } from './content-store';
import { diskContentStore } from './disk-content-store';
import { s3ContentStore } from './s3-content-store';

export async function openContentStore(config: Config): Promise<ContentStore> {
  const expiryMs = config.mediaUploadExpirySeconds * 1000;
  return config.s3 ? s3ContentStore(config.s3, expiryMs) : diskContentStore(config.mediaDir, expiryMs);
}
