// The engine's window on its environment: clock, timers, randomness, fetch, connectivity
// events, Web Locks and storage persistence, as small interfaces that tests replace.
// Browser implementations are in browser-env.ts.
export interface Clock {
  now(): number;
}

export type TimerHandle = { readonly __timer: unknown } | number | object;
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Things that happen around the app that may start a sync. */
export type EnvironmentEvent = 'online' | 'offline' | 'visible' | 'service-worker';

export interface Connectivity {
  /** navigator.onLine: false is reliable, true may lie (captive portals). */
  isOnline(): boolean;
  subscribe(listener: (event: EnvironmentEvent) => void): () => void;
}

/** Web Locks: `holder` runs while the lock is held; the lock is released when it settles. */
export interface Locks {
  request(name: string, holder: () => Promise<void>): Promise<void>;
}

export interface StoragePersistence {
  /** Asks the browser not to evict this origin's storage; true when granted. */
  persist(): Promise<boolean>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Gzip of a request body's text (compress.ts). */
export type Compress = (text: string) => Promise<Uint8Array>;

export interface Environment {
  readonly clock: Clock;
  readonly timers: Timers;
  /** A number in [0, 1). */
  readonly random: () => number;
  readonly fetch: FetchLike;
  readonly connectivity: Connectivity;
  /** null when the Web Locks API is unavailable: the engine then runs unlocked. */
  readonly locks: Locks | null;
  readonly storage: StoragePersistence | null;
  /** Compresses push bodies; absent or null: they go as they are. */
  readonly compress?: Compress | null;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => globalThis.clearTimeout(h as Parameters<typeof globalThis.clearTimeout>[0]),
};
