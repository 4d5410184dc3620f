// What the page and the service worker say to each other: the Background Sync tag the page
// registers when work is queued, and the message the worker posts back to its pages on `sync`
// (the engine treats that message as a trigger, see src/client/browser-env.ts).
export { SYNC_MESSAGE_TYPE } from '@/client/browser-env';

export const BACKGROUND_SYNC_TAG = 'fieldsync-outbox';

/** Where the service worker is served from (src/app/serwist/[path]/route.ts). */
export const SERVICE_WORKER_URL = '/serwist/sw.js';
