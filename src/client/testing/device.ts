// A simulated device for multi-device tests: an engine on its own fake IndexedDB, with a
// fake clock shared by the test, talking through a given fetch. `reload()` closes the engine
// and opens a new one on the same IndexedDB, as a page reload does.
import type { FetchLike } from '../env';
import { SyncEngine, type SyncEngineOptions } from '../engine';
import { type FakeEnvironment, FakeLocks, type FakeTime, IDBFactory, fakeDb, fakeEnvironment, settle } from './fake-env';

export class Device {
  engine!: SyncEngine;
  readonly env: FakeEnvironment;
  private readonly factory = new IDBFactory();
  private readonly locks = new FakeLocks();

  private constructor(
    readonly label: string,
    fetch: FetchLike,
    time: FakeTime,
    private readonly options: Partial<SyncEngineOptions>,
  ) {
    this.env = fakeEnvironment(fetch, { time, locks: this.locks, random: () => 0.5 });
  }

  static async open(label: string, fetch: FetchLike, time: FakeTime, options: Partial<SyncEngineOptions> = {}): Promise<Device> {
    const d = new Device(label, fetch, time, options);
    await d.boot();
    return d;
  }

  private async boot(): Promise<void> {
    this.engine = await SyncEngine.open({ baseUrl: 'http://fieldsync.test', ...this.options, db: fakeDb(`fieldsync-${this.label}`, this.factory), env: this.env });
    this.engine.start();
    await this.engine.whenLeader();
  }

  async login(email: string, password: string): Promise<void> {
    const { token } = await this.engine.transport.login(email, password);
    await this.engine.setToken(token);
  }

  /** Closes the page and opens it again on the same IndexedDB. */
  async reload(): Promise<void> {
    await this.engine.stop();
    this.engine.db.close();
    await this.boot();
  }

  /**
   * The tab dies mid-flight: its database goes away at once (a request in flight may still reach
   * the server), its lock is released when its last promise settles, and a new tab opens.
   */
  async crash(): Promise<void> {
    const old = this.engine;
    old.db.close();
    void old.stop();
    await this.boot();
  }

  /** The browser deletes the database by itself (Chromium does on finding it damaged) and the page opens a new, empty one. */
  async wipe(): Promise<void> {
    await this.engine.stop();
    await this.engine.db.delete();
    await this.boot();
  }

  async close(): Promise<void> {
    await this.engine.stop();
    this.engine.db.close();
  }
}

/** Lets every device's queued work run and waits until none is syncing. */
export async function idleAll(devices: readonly Device[], rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await settle();
    for (const d of devices) await d.engine.whenIdle();
  }
}
