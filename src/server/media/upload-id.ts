// Upload ids: 128 random bits as 32 hex digits. They name the stored bytes too
// (content-store.ts STORAGE_KEY), so nothing else may look like one.
import { randomBytes } from 'node:crypto';
import { STORAGE_KEY } from './content-store';

export const newUploadId = (): string => randomBytes(16).toString('hex');

export const isUploadId = (id: string): boolean => STORAGE_KEY.test(id);
