// Test doubles of the engine's environment: a manual clock with timers, connectivity events
// the test fires, an in-memory Web Locks, storage persistence, and a fresh fake IndexedDB.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Connectivity, Environment, EnvironmentEvent, FetchLike, Locks, StoragePersistence, TimerHandle, Timers } from '../env';
import { FieldsyncDb } from '../db';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/** A clock that moves only when told; timers fire in time order as it moves. */
export class FakeTime implements Timers {
  private timers: Timer[] = [];
  private nextId = 1;
  constructor(public current = Date.parse('2026-11-26T08:00:00.000Z')) {}

  now = (): number => this.current;

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(t);
    return t;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Moves time forward by `ms`, firing due timers in order (and those they schedule). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = end;
  }

  /** Times of the pending timers, soonest first. */
  pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }
}

export class FakeConnectivity implements Connectivity {
  online = true;
  private listeners = new Set<(e: EnvironmentEvent) => void>();
  isOnline = (): boolean => this.online;
  subscribe(listener: (e: EnvironmentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: EnvironmentEvent): void {
    if (e === 'online') this.online = true;
    if (e === 'offline') this.online = false;
    for (const l of this.listeners) l(e);
  }
}

/** Exclusive named locks, granted in request order, as navigator.locks does. */
export class FakeLocks implements Locks {
  private queues = new Map<string, Promise<void>>();
  request(name: string, holder: () => Promise<void>): Promise<void> {
    const before = this.queues.get(name) ?? Promise.resolve();
    const mine = before.then(() => holder());
    this.queues.set(name, mine.catch(() => undefined));
    return mine;
  }
}

export class FakeStorage implements StoragePersistence {
  calls = 0;
  constructor(private readonly answer = true) {}
  persist(): Promise<boolean> {
    this.calls += 1;
    return Promise.resolve(this.answer);
  }
}

export interface FakeEnvironment extends Environment {
  readonly time: FakeTime;
  readonly net: FakeConnectivity;
}

export function fakeEnvironment(fetch: FetchLike, opts: { locks?: Locks | null; time?: FakeTime; random?: () => number } = {}): FakeEnvironment {
  const time = opts.time ?? new FakeTime();
  const net = new FakeConnectivity();
  return {
    time,
    net,
    clock: { now: time.now },
    timers: time,
    random: opts.random ?? (() => 0.5),
    fetch,
    connectivity: net,
    locks: opts.locks === undefined ? new FakeLocks() : opts.locks,
    storage: new FakeStorage(),
  };
}

/** A device database on its own in-memory IndexedDB (or a shared one, to act as another tab). */
export function fakeDb(name = 'fieldsync-test', factory: IDBFactory = new IDBFactory()): FieldsyncDb {
  // Dexie's liveQuery runs only when a global IndexedDB exists (as in every browser).
  if (!Dexie.dependencies.indexedDB) Dexie.dependencies.indexedDB = globalThis.indexedDB;
  return new FieldsyncDb(name, { indexedDB: factory, IDBKeyRange });
}

export { IDBFactory };

/** Lets promise chains and fake IndexedDB's setImmediate tasks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
