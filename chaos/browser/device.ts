// A chaos device in Chromium: the app's real engine (src/client, bundled by the bench's esbuild
// step) in a page of the fault proxy's origin, on Chromium's own IndexedDB, Web Locks and fetch.
// The browser runs on a persistent profile in a temporary folder, so it can be SIGKILLed (its
// whole process group, as a crashed or killed phone browser) and launched again on the same
// profile: the engine reopens the IndexedDB it left, with its outbox, records and token. A kill
// may also delete the profile's IndexedDB before the relaunch, as Chromium does when it finds
// the database damaged: the engine must take back its unsynced work from its safety copy.
// The edits are driven from Node (ChaosDeviceBase), one page call each; a kill waits for the
// edit under way, so every change the ledger holds was saved and every saved change is ledgered.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import type { LocalRecord, OutboxEntry, UploadRow } from '@/client/db';
import type { SyncEngine } from '@/client/engine';
import { DEMO_PASSWORD } from '@/server/seed/demo';
import { CHROMIUM, benchPage } from '../../bench/scenarios/browser';
import { HarnessError, within } from '../guard';
import { ChaosDeviceBase, type DeviceOptions, ENGINE_SETTINGS, type Saved } from '../device';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The page's globals: the bench bundle's exports, and the engine and clock this device set up. */
type ChaosWindow = typeof globalThis & {
  fieldsyncBench: { createBrowserSyncEngine(o: Record<string, unknown>): Promise<SyncEngine> };
  chaosEngine: SyncEngine;
  chaosOffsetMs: number;
  chaosNeedsLogin(): Promise<void>;
};

export interface BrowserDeviceOptions extends DeviceOptions {
  /** The repository, for the engine's bundle. */
  readonly root: string;
  /** Where Chromium writes its own log, a file per launch (kept with the servers' logs when the run fails). */
  readonly logFile: string;
  /** A line for the run's log. */
  readonly say: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The process group of the Chromium whose command line names `profile` (Playwright starts it as a group leader). */
function processGroupOf(profile: string): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.includes(`--user-data-dir=${profile}\0`)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces, so split after its closing parenthesis.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp > 1) return pgrp;
    } catch {
      // The process ended while being read.
    }
  }
  return null;
}

// If the run dies (a signal, the hard timeout), its browsers die with it and their profiles go.
const profiles = new Set<string>();
process.once('exit', () => {
  for (const profile of profiles) {
    const group = processGroupOf(profile);
    try {
      if (group !== null) process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(profile, { recursive: true, force: true });
  }
});

export class BrowserDevice extends ChaosDeviceBase {
  /** Launches of the browser (the first, then one per kill). */
  launches = 0;
  /** Kills that met a sync under way (pushing, pulling or entries in flight). */
  killsMidSync = 0;
  /** Launches that found the profile's IndexedDB gone (another device id) though the harness had not deleted it: Chromium did. */
  storageLost = 0;
  /** Kills after which the harness deleted the profile's IndexedDB (the indexeddb-deleted fault). */
  storageDeleted = 0;
  /** What the engine took back from its safety copy at the relaunches that found its IndexedDB gone. */
  restoredChanges = 0;
  restoredPhotos = 0;
  private deletedBeforeLaunch = false;
  private deviceId: string | null = null;
  private context: BrowserContext | null = null;
  private page: Page | null = null;
  private readonly profile = mkdtempSync(path.join(os.tmpdir(), 'fieldsync-chaos-chromium-'));
  private online = true;
  private offset = 0;
  /** Resolved while the browser is up; a kill replaces it until the relaunch. */
  private up: Promise<void> = Promise.resolve();
  private editing: Promise<unknown> = Promise.resolve();

  constructor(readonly b: BrowserDeviceOptions) {
    super(b);
    profiles.add(this.profile);
  }

  get offsetMs(): number {
    return this.offset;
  }

  set offsetMs(ms: number) {
    this.offset = ms;
    void this.page?.evaluate((v) => void ((globalThis as ChaosWindow).chaosOffsetMs = v), ms).catch(() => undefined);
  }

  private logFile(): string {
    return `${this.b.logFile}.${this.launches}`;
  }

  private get live(): Page {
    if (!this.page) throw new Error(`${this.label}: the browser is down`);
    return this.page;
  }

  async open(): Promise<void> {
    await this.launch();
    await this.login();
  }

  /** Starts Chromium on the profile, opens the page and the engine on the IndexedDB the profile holds. */
  private async launch(): Promise<void> {
    this.launches += 1;
    // A log per launch: Chromium starts its log file afresh, and the launch that matters is an early one.
    const args = [...FLAGS, '--enable-logging', `--log-file=${this.logFile()}`, '--vmodule=*indexed_db*=1,*leveldb*=1'];
    const context = await chromium.launchPersistentContext(this.profile, { executablePath: CHROMIUM, args, headless: true, bypassCSP: true });
    this.context = context;
    // The page loads from the proxy (the API's health answer): a few tries, as an instance may be restarting.
    let page: Page | null = null;
    for (let attempt = 0; !page; attempt++) {
      try {
        page = await benchPage(context, this.o.baseUrl, this.b.root);
      } catch (e) {
        if (attempt >= 5) throw e;
        await sleep(500);
      }
    }
    for (const other of context.pages()) if (other !== page) await other.close();
    await page.exposeFunction('chaosNeedsLogin', () => void this.login());
    const opened = await page.evaluate(
      async ({ dbName, offset, options }) => {
        const w = globalThis as ChaosWindow;
        // The device's clock, moved by the clock-skew fault (the engine reads Date.now).
        const real = Date.now.bind(Date);
        w.chaosOffsetMs = offset;
        Date.now = () => real() + w.chaosOffsetMs;
        const engine = await w.fieldsyncBench.createBrowserSyncEngine({ dbName, ...options });
        await engine.whenLeader();
        w.chaosEngine = engine;
        const ask = (kind: string) => void (kind === 'needs_login' && w.chaosNeedsLogin());
        engine.store.subscribe((s) => ask(s.state.kind));
        ask(engine.store.getState().state.kind);
        return { deviceId: String((await engine.db.meta.get('deviceId'))?.value ?? ''), restored: engine.restored };
      },
      { dbName: 'fieldsync-chaos', offset: this.offset, options: { ...ENGINE_SETTINGS, timeoutMs: this.o.timeoutMs, formsCache: false } },
    );
    if (this.deviceId !== null && opened.deviceId !== this.deviceId) {
      if (!this.deletedBeforeLaunch) this.storageLost += 1;
      this.restoredChanges += opened.restored?.changes ?? 0;
      this.restoredPhotos += opened.restored?.photos ?? 0;
      const why = this.deletedBeforeLaunch ? 'the harness deleted it' : `Chromium's log: ${this.logFile()}`;
      this.b.say(
        `${this.label}: launch ${this.launches} found another device id (${opened.deviceId}, was ${this.deviceId}): the profile's IndexedDB is gone (${why}); ` +
          `the safety copy gave back ${opened.restored?.changes ?? 0} changes and ${opened.restored?.photos ?? 0} photos`,
      );
    }
    this.deletedBeforeLaunch = false;
    this.deviceId = opened.deviceId;
    if (!this.online) await context.setOffline(true);
    this.page = page;
  }

  /**
   * The device-killed fault: waits for the edit under way, lets a sync start, SIGKILLs the
   * browser's process group, and after `pauseMs` launches it again on the same profile. With
   * `deleteIndexedDb` (the indexeddb-deleted fault), the profile's IndexedDB is deleted while the
   * browser is down, and only it: Cache Storage and localStorage stay, as when Chromium does it.
   */
  async kill(pauseMs: number, deleteIndexedDb = false): Promise<void> {
    let release!: () => void;
    this.up = new Promise((r) => (release = r));
    try {
      await this.editing;
      if (await this.syncUnderWay(2_000)) this.killsMidSync += 1;
      const context = this.context!;
      const group = processGroupOf(this.profile);
      if (group === null) throw new HarnessError(`${this.label}: no Chromium process found for its profile`);
      const closed = new Promise<void>((r) => context.once('close', () => r()));
      this.page = null;
      process.kill(-group, 'SIGKILL');
      await within(30_000, `${this.label}'s browser closing after SIGKILL`, closed);
      this.context = null;
      await sleep(pauseMs);
      if (deleteIndexedDb) {
        rmSync(path.join(this.profile, 'Default', 'IndexedDB'), { recursive: true, force: true });
        this.storageDeleted += 1;
        this.deletedBeforeLaunch = true;
      }
      await within(120_000, `${this.label}'s browser launching again`, this.launch());
    } finally {
      release();
    }
  }

  /** Starts a sync and waits (up to `ms`) until one is under way. */
  private async syncUnderWay(ms: number): Promise<boolean> {
    const page = this.live;
    await page.evaluate(() => void (globalThis as ChaosWindow).chaosEngine.syncNow().catch(() => undefined));
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const busy = await page.evaluate(() => {
        const s = (globalThis as ChaosWindow).chaosEngine.store.getState();
        return s.state.kind === 'pushing' || s.state.kind === 'pulling' || s.counts.syncing > 0;
      });
      if (busy) return true;
      await sleep(20);
    }
    return false;
  }

  /** Waits while the browser is down; returns once up with no kill begun since. */
  private async whenUp(): Promise<void> {
    for (;;) {
      const gate = this.up;
      await gate;
      if (gate === this.up) return;
    }
  }

  override async edit(): Promise<void> {
    await this.whenUp();
    const p = super.edit();
    this.editing = p.catch(() => undefined);
    await p;
  }

  protected async loginOnce(): Promise<void> {
    await this.live.evaluate(
      async ({ email, password }) => {
        const engine = (globalThis as ChaosWindow).chaosEngine;
        const { token } = await engine.transport.login(email, password);
        await engine.setToken(token);
      },
      { email: this.o.email, password: DEMO_PASSWORD },
    );
  }

  /** Runs `op` in the page and returns the change id of the outbox entry the saved change went into. */
  private async save(op: 'create' | 'update' | 'delete', arg: { entityId?: string; id?: string; data?: Record<string, unknown> }): Promise<Saved> {
    const saved = await this.live.evaluate(
      async ({ op, arg }) => {
        const engine = (globalThis as ChaosWindow).chaosEngine;
        let recordId = arg.id!;
        if (op === 'create') recordId = (await engine.create({ type: 'assessment', entityId: arg.entityId!, data: arg.data! })).id;
        else if (op === 'update') await engine.update(recordId, arg.data!);
        else await engine.remove(recordId);
        const entries = await engine.db.outbox.where('recordId').equals(recordId).toArray();
        return { recordId, changeId: entries.sort((a, b) => a.seq - b.seq).at(-1)?.changeId };
      },
      { op, arg },
    );
    if (!saved.changeId) throw new Error(`${this.label}: a saved ${op} of ${saved.recordId} has no outbox entry`);
    return { recordId: saved.recordId, changeId: saved.changeId };
  }

  protected saveCreate(entityId: string, data: Record<string, unknown>): Promise<Saved> {
    return this.save('create', { entityId, data });
  }

  protected saveUpdate(id: string, data: Record<string, unknown>): Promise<Saved> {
    return this.save('update', { id, data });
  }

  protected saveDelete(id: string): Promise<Saved> {
    return this.save('delete', { id });
  }

  protected async saveAttach(entityId: string, parentId: string, bytes: Uint8Array<ArrayBuffer>, fileName: string): Promise<Saved & { readonly data: unknown }> {
    const saved = await this.live.evaluate(
      async ({ entityId, parentId, base64, fileName }) => {
        const engine = (globalThis as ChaosWindow).chaosEngine;
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const media = await engine.attachFile({ entityId, parentId, file: new Blob([bytes], { type: 'image/jpeg' }), fileName });
        const entries = await engine.db.outbox.where('recordId').equals(media.id).toArray();
        return { recordId: media.id, data: media.data as unknown, changeId: entries.sort((a, b) => a.seq - b.seq).at(-1)?.changeId };
      },
      { entityId, parentId, base64: Buffer.from(bytes).toString('base64'), fileName },
    );
    if (!saved.changeId) throw new Error(`${this.label}: a saved photo ${saved.recordId} has no outbox entry`);
    return { recordId: saved.recordId, changeId: saved.changeId, data: saved.data };
  }

  protected record(id: string): Promise<LocalRecord | undefined> {
    return this.live.evaluate((id) => (globalThis as ChaosWindow).chaosEngine.getRecord(id), id);
  }

  protected assessmentIds(entityId: string): Promise<string[]> {
    return this.live.evaluate(
      async (entityId) => (await (globalThis as ChaosWindow).chaosEngine.db.records.where('[entityId+type]').equals([entityId, 'assessment']).primaryKeys()) as string[],
      entityId,
    );
  }

  /** Playwright's offline emulation: the page's fetch fails and it sees the offline and online events. */
  setOnline(online: boolean): void {
    this.online = online;
    void this.context?.setOffline(!online).catch(() => undefined);
  }

  async outbox(): Promise<OutboxEntry[]> {
    await this.whenUp();
    return this.live.evaluate(() => (globalThis as ChaosWindow).chaosEngine.listOutbox());
  }

  async records(): Promise<LocalRecord[]> {
    await this.whenUp();
    return this.live.evaluate(() => (globalThis as ChaosWindow).chaosEngine.listRecords({ includeDeleted: true }));
  }

  async uploads(): Promise<UploadRow[]> {
    await this.whenUp();
    return this.live.evaluate(() => (globalThis as ChaosWindow).chaosEngine.db.uploads.toArray());
  }

  async syncOnce(): Promise<void> {
    await this.whenUp();
    const kind = await this.live.evaluate(() => (globalThis as ChaosWindow).chaosEngine.store.getState().state.kind);
    if (kind === 'needs_login') await this.login();
    await this.live.evaluate(async () => {
      const engine = (globalThis as ChaosWindow).chaosEngine;
      await engine.syncNow();
      await engine.whenIdle();
    });
  }

  async whenUploadsIdle(): Promise<void> {
    await this.whenUp();
    await this.live.evaluate(() => (globalThis as ChaosWindow).chaosEngine.whenUploadsIdle());
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      if (this.page) await this.page.evaluate(() => (globalThis as ChaosWindow).chaosEngine.stop()).catch(() => undefined);
      await this.context?.close();
    } finally {
      this.page = null;
      this.context = null;
      rmSync(this.profile, { recursive: true, force: true });
      profiles.delete(this.profile);
    }
  }
}
