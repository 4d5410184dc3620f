// Registration of the service worker (src/app/sw.ts, served at /serwist/sw.js) and the
// Background Sync request made when work is queued: where the browser has Background Sync,
// it wakes the worker when a connection comes back, and the worker asks the open pages to sync.
import { BACKGROUND_SYNC_TAG, SERVICE_WORKER_URL } from './sw-messages';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  // `next dev` serves a worker with no precache: its navigation fallback would have nothing to serve.
  if (process.env.NODE_ENV !== 'production') return null;
  try {
    // One bundled classic script (see the route), controlling the whole origin.
    return await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
  } catch (e) {
    console.warn('service worker registration failed: the app will not open offline', e);
    return null;
  }
}

/** Asks for a Background Sync; false where the browser has none (the engine's own triggers remain). */
export async function requestBackgroundSync(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false;
  try {
    const reg = await navigator.serviceWorker.getRegistration('/');
    const sync = (reg as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync;
    if (!sync) return false;
    await sync.register(BACKGROUND_SYNC_TAG);
    return true;
  } catch {
    // Permission refused or no active worker yet: nothing lost, the engine retries by itself.
    return false;
  }
}
