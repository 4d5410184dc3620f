// Browser implementations of the engine's environment (env.ts): window online/offline
// events, page visibility, service worker messages, navigator.locks, navigator.storage.
import { platformGzip } from './compress';
import { type Connectivity, type Environment, type EnvironmentEvent, type Locks, type StoragePersistence, systemClock, systemTimers } from './env';

/** Messages a service worker posts to ask for a sync (e.g. from Background Sync). */
export const SYNC_MESSAGE_TYPE = 'fieldsync:sync';

export function browserConnectivity(): Connectivity {
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine),
    subscribe(listener) {
      const emit = (e: EnvironmentEvent) => () => listener(e);
      const online = emit('online');
      const offline = emit('offline');
      const visible = () => {
        if (document.visibilityState === 'visible') listener('visible');
      };
      const message = (ev: MessageEvent) => {
        if ((ev.data as { type?: unknown } | null)?.type === SYNC_MESSAGE_TYPE) listener('service-worker');
      };
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      document.addEventListener('visibilitychange', visible);
      const sw = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
      sw?.addEventListener('message', message);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
        document.removeEventListener('visibilitychange', visible);
        sw?.removeEventListener('message', message);
      };
    },
  };
}

export function browserLocks(): Locks | null {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks?.request) return null;
  return {
    request: async (name, holder) => {
      await locks.request(name, { mode: 'exclusive' }, () => holder());
    },
  };
}

export function browserStorage(): StoragePersistence | null {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return null;
  return { persist: async () => (await storage.persisted?.()) || storage.persist() };
}

export function browserEnvironment(): Environment {
  return {
    clock: systemClock,
    timers: systemTimers,
    random: Math.random,
    fetch: (input, init) => globalThis.fetch(input, init),
    connectivity: browserConnectivity(),
    locks: browserLocks(),
    storage: browserStorage(),
    compress: platformGzip(),
  };
}
