// Where the safety copy of unsynced work lives (safety-copy.ts): a key-value store of blobs
// apart from IndexedDB. In the browser it is Cache Storage, which the browser keeps in files of
// its own: when Chromium deletes a damaged IndexedDB, the copy stays. Tests use the memory one.
export interface CopyStore {
  put(key: string, body: Blob): Promise<void>;
  /** null when absent. */
  get(key: string): Promise<Blob | null>;
  keys(): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** Keys are paths under this prefix, so a Cache Storage request URL can carry them. */
const BASE = 'https://fieldsync.invalid/copy/';

/** Cache Storage under `name`; null where the browser has none (an insecure origin, Node). */
export function cacheCopyStore(name: string): CopyStore | null {
  const caches = (globalThis as { caches?: CacheStorage }).caches;
  if (!caches) return null;
  let opened: Promise<Cache> | null = null;
  const cache = () => (opened ??= caches.open(name));
  const url = (key: string) => BASE + encodeURIComponent(key);
  return {
    put: async (key, body) => (await cache()).put(url(key), new Response(body)),
    get: async (key) => {
      const hit = await (await cache()).match(url(key));
      return hit ? hit.blob() : null;
    },
    keys: async () =>
      (await (await cache()).keys()).map((r) => r.url).filter((u) => u.startsWith(BASE)).map((u) => decodeURIComponent(u.slice(BASE.length))),
    delete: async (key) => void (await (await cache()).delete(url(key))),
  };
}

export function memoryCopyStore(): CopyStore {
  const items = new Map<string, Blob>();
  return {
    put: async (key, body) => void items.set(key, body),
    get: async (key) => items.get(key) ?? null,
    keys: async () => [...items.keys()],
    delete: async (key) => void items.delete(key),
  };
}
