/// <reference lib="webworker" />
// The service worker (bundled by @serwist/turbopack through src/app/serwist/[path]/route.ts).
// It precaches the built app shell, so that a reload with no network opens the app, whose data
// then comes from IndexedDB. It never caches the API: sync must see the network as it is.
// On a Background Sync event it asks its open pages to sync (the engine lives in the page).
import { type PrecacheEntry, Serwist, type SerwistGlobalConfig } from 'serwist';
import { BACKGROUND_SYNC_TAG, SYNC_MESSAGE_TYPE } from '@/ui/sw-messages';

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST ?? [],
  precacheOptions: {
    cleanupOutdatedCaches: true,
    // Every screen is the one page "/" (hash routes): any other navigation offline opens it too.
    navigateFallback: '/',
    navigateFallbackDenylist: [/^\/api\//, /^\/serwist\//],
  },
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  // No runtime caching: what is not precached goes to the network untouched (the API above all).
  runtimeCaching: [],
});

self.addEventListener('sync', (event) => {
  const e = event as SyncEvent;
  if (e.tag !== BACKGROUND_SYNC_TAG) return;
  e.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage({ type: SYNC_MESSAGE_TYPE });
    }),
  );
});

serwist.addEventListeners();
