// The sync engine: what the UI talks to. Local writes and reads, the sync queue, the export,
// the token, and "sync now"; it wires push and pull (push.ts, pull.ts) to the scheduler
// (scheduler.ts) and publishes to the Zustand store (sync-store.ts). One tab per device syncs
// (Web Locks); the others watch the same IndexedDB state (tab-watch.ts) and hand their
// "sync now", writes and new token to it through the database. The syncing tab also keeps the
// live-update stream open while online and signed in (live-events.ts), and pulls when it says
// that records changed. Media bytes travel apart from records, in the syncing tab's upload
// queue (media/upload-queue.ts), started when records were pushed and never awaited by a sync run.
import { type BackoffOptions, DEFAULT_BACKOFF } from '@/core/backoff';
import { BatchSelector, type BatchLimits, DEFAULT_BATCH_LIMITS } from '@/core/batching';
import { PULL_LIMIT_DEFAULT, type Entity, type RecordType } from '@/protocol';
import type { LiveEvent } from '@/protocol/events';
import { type FieldsyncDb, type LocalRecord, META, type OutboxEntry, getMeta, setMeta } from './db';
import type { CopyStore } from './copy-store';
import { openDevice } from './device';
import { refreshForms } from './forms';
import type { Environment, EnvironmentEvent } from './env';
import { StorageQuotaError, type TransportError, UnauthorizedError } from './errors';
import { LiveEvents } from './live-events';
import { type ImportResult, importUnsynced } from './import-unsynced';
import { type CreateInput, type WriteContext, createRecord, deleteRecord, updateRecord } from './local-writes';
import { type AttachInput, attachFile } from './media/attach';
import { mediaContent } from './media/download';
import { type EstimateStorage, browserStorageEstimate, evictIfNeeded } from './media/eviction';
import { type ImageDownscaler, browserImageDownscaler } from './media/image-downscale';
import { type MediaItem, listMedia, summarizeUploads } from './media/media-list';
import { DEFAULT_MEDIA_MAX_BYTES, DEFAULT_MEDIA_MAX_LONG_SIDE } from './media/media-rules';
import { watchMedia } from './media/media-watch';
import { type Uploader, tusUploader } from './media/tus-upload';
import { UploadQueue, pruneUploads } from './media/upload-queue';
import { scanUnsettled } from './outbox-scan';
import { type StatusCounts, countByStatus, countIn, discardEntry, exportUnsynced, listOutbox, pruneSettled, recoverInFlight, retryEntry } from './outbox-queue';
import { pullAll } from './pull';
import { pushAll } from './push';
import { type RestoredWork, SafetyCopy } from './safety-copy';
import { SyncScheduler, type TriggerReason } from './scheduler';
import { type EngineState, type SyncStore, createSyncStore } from './sync-store';
import { type MetaView, watchTabs } from './tab-watch';
import { Throttled } from './throttle';
import { type Transport, createTransport } from './transport';
import type { UnsyncedFile } from './unsynced-file';

export type { TriggerReason } from './scheduler';

export interface SyncEngineOptions {
  readonly db: FieldsyncDb;
  readonly env: Environment;
  /** Origin of the API, e.g. "" (same origin) or "https://fieldsync.example". */
  readonly baseUrl: string;
  /** How long completed and conflict entries stay visible. Default 24 h. */
  readonly retentionMs?: number;
  /** Period of the timer that looks for work (and probes reachability). Default 30 s. */
  readonly periodicMs?: number;
  /** Automatic retries per connectivity episode. Default 3. */
  readonly maxAutoRetries?: number;
  readonly backoff?: BackoffOptions;
  readonly batchLimits?: BatchLimits;
  readonly pullLimit?: number;
  readonly timeoutMs?: number;
  /** Replaces the HTTP transport. */
  readonly transport?: Transport;
  /**
   * Keep the live-update stream (GET /api/v1/sync/events) open while this tab syncs, is online
   * and signed in. Off unless asked: a test's stand-in server need not speak it.
   */
  readonly liveUpdates?: boolean;
  /** Refresh the device's copy of the published forms (forms.ts) after each sync run. Off unless asked, as liveUpdates. */
  readonly formsCache?: boolean;
  /** Photos with a longer side are downscaled to JPEG before they are stored. Default 1600 px. */
  readonly mediaMaxLongSide?: number;
  /** Largest file accepted for attaching. Default 25 MiB (the server's default limit). */
  readonly mediaMaxBytes?: number;
  /** Replaces the browser's canvas downscaling (Node tests pass `keepOriginal`). */
  readonly imageDownscaler?: ImageDownscaler;
  /** Replaces the tus uploader. */
  readonly uploader?: Uploader;
  /** Bytes per tus PATCH. Default 1 MiB. */
  readonly uploadChunkSize?: number;
  /** Uploads at a time. Default 2. */
  readonly uploadConcurrency?: number;
  /** Storage usage and quota for evicting confirmed media; default navigator.storage.estimate(). */
  readonly storageEstimate?: EstimateStorage;
  /** Where the safety copy of unsynced work lives, apart from the database (safety-copy.ts); absent or null: none is kept. */
  readonly copyStore?: CopyStore | null;
}

export interface RecordFilter {
  readonly entityId?: string;
  readonly type?: RecordType;
  readonly includeDeleted?: boolean;
}

export const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;


export class SyncEngine {
  readonly store: SyncStore = createSyncStore();
  readonly transport: Transport;
  private readonly writeCtx: WriteContext;
  private readonly scheduler: SyncScheduler;
  private token: string | null = null;
  private leader = false;
  private started = false;
  private stopped = false;
  private limits: BatchLimits;
  private releaseLock: (() => void) | null = null;
  private lockHeld: Promise<void> | null = null;
  private unsubscribe: Array<() => void> = [];
  private lastPending = 0;
  private lastSyncRequest = 0;
  private lastDbToken: string | null = null;
  private becameLeader!: () => void;
  private readonly leaderPromise = new Promise<void>((resolve) => (this.becameLeader = resolve));
  /** Recounts after writes and other tabs' commits, coalesced during a burst (throttle.ts). */
  private readonly countsRefresh = new Throttled(() => this.readCounts());
  private countsRead = 0;
  private countsShown = 0;
  private readonly live: LiveEvents | null;
  /** A sync is queued behind the run in flight because the live stream said something changed. */
  private livePullQueued = false;
  private readonly uploadQueue: UploadQueue;
  /** Re-reads the upload summary for the store, coalesced while bytes flow. */
  private readonly mediaRefresh = new Throttled(() => this.readMedia());
  private readonly copy: SafetyCopy | null;
  /** Drops the safety copies of work the server now holds, coalesced after runs and uploads. */
  private readonly copySweep = new Throttled(async () => void (await this.copy?.sweep().catch(() => undefined)), { maxGapMs: 5_000, costFactor: 4, burst: 1 });
  private restoredWork: RestoredWork | null = null;

  private constructor(
    private readonly opts: SyncEngineOptions,
    readonly deviceId: string,
  ) {
    const { env } = opts;
    this.transport =
      opts.transport ??
      createTransport({
        fetch: env.fetch,
        baseUrl: opts.baseUrl,
        timers: env.timers,
        clock: env.clock,
        compress: env.compress ?? null,
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      });
    this.writeCtx = { db: opts.db, now: () => env.clock.now() };
    this.copy = opts.copyStore ? new SafetyCopy(opts.db, opts.copyStore, env.locks, `fieldsync-copy-${opts.db.name}`) : null;
    this.limits = opts.batchLimits ?? DEFAULT_BATCH_LIMITS;
    this.scheduler = new SyncScheduler(
      env,
      {
        run: (planRetry) => this.runOnce(planRetry),
        succeeded: () => this.succeeded(),
        hasToken: () => this.token !== null,
        hasSendable: () => this.hasSendable(),
        hasWork: async () => (await countIn(this.db, ['pending', 'failed'])) > 0,
        probe: () => this.transport.health(),
        publish: (state) => this.publish(state),
        failed: (lastFailure) => this.store.setState({ lastFailure }),
        settled: async () => {
          this.uploadQueue.kick('periodic');
          void this.copySweep.request();
          // After every run, not only a successful one: on a link where some request of each run
          // fails, the settled history would otherwise grow without bound.
          await pruneSettled(this.db, this.now(), this.retentionMs).catch(() => undefined);
          return this.refreshCounts();
        },
      },
      {
        ...(opts.periodicMs !== undefined ? { periodicMs: opts.periodicMs } : {}),
        ...(opts.maxAutoRetries !== undefined ? { maxAutoRetries: opts.maxAutoRetries } : {}),
        ...(opts.backoff !== undefined ? { backoff: opts.backoff } : {}),
      },
    );
    this.live = opts.liveUpdates
      ? new LiveEvents(
          {
            fetch: env.fetch,
            timers: env.timers,
            random: env.random,
            baseUrl: opts.baseUrl,
            ...(opts.backoff !== undefined ? { backoff: opts.backoff } : {}),
          },
          {
            event: (e) => this.onLiveEvent(e),
            // Whatever changed while no stream was open is pulled now.
            opened: () => this.pullSoon(),
            // The run that follows meets the same 401 and asks for a login.
            unauthorized: () => void this.scheduler.trigger('remote-write'),
            state: (s) => this.store.setState({ live: s.kind === 'open' }),
          },
        )
      : null;
    this.uploadQueue = new UploadQueue({
      db: opts.db,
      uploader:
        opts.uploader ??
        tusUploader({ db: opts.db, fetch: env.fetch, baseUrl: opts.baseUrl, ...(opts.uploadChunkSize ? { chunkSize: opts.uploadChunkSize } : {}) }),
      timers: env.timers,
      now: () => env.clock.now(),
      random: env.random,
      token: () => this.token,
      isOnline: () => env.connectivity.isOnline(),
      changed: () => void this.mediaRefresh.request(),
      confirmed: () => {
        void this.evict();
        void this.copySweep.request();
      },
      policy: { maxAutoRetries: opts.maxAutoRetries ?? 3, backoff: opts.backoff ?? DEFAULT_BACKOFF },
      ...(opts.uploadConcurrency !== undefined ? { concurrency: opts.uploadConcurrency } : {}),
    });
    this.store.setState({ deviceId });
  }

  /**
   * Opens the engine on its database: creates the device id on first use, loads the stored
   * token. A database that opens new while safety copies exist was deleted by the browser: the
   * copied work goes back into it.
   */
  static async open(opts: SyncEngineOptions): Promise<SyncEngine> {
    const device = await openDevice(opts.db);
    const engine = new SyncEngine(opts, device.id);
    if (device.created && engine.copy) {
      engine.restoredWork = await engine.copy.restore(opts.env.clock.now());
      if (engine.restoredWork.changes + engine.restoredWork.photos === 0) engine.restoredWork = null;
    }
    engine.token = (await getMeta<string>(opts.db, META.token)) ?? null;
    engine.lastDbToken = engine.token;
    return engine;
  }

  get db(): FieldsyncDb {
    return this.opts.db;
  }

  /** What this opening took back from the safety copy, the database having been made anew; null when nothing. */
  get restored(): RestoredWork | null {
    return this.restoredWork;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /** Starts watching the environment and competing for the sync lock. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { env } = this.opts;
    this.unsubscribe.push(env.connectivity.subscribe((e) => this.onEnvironment(e)));
    this.unsubscribe.push(
      watchTabs(this.db, {
        outboxChanged: () => void this.countsRefresh.request(),
        meta: (v) => this.onMetaView(v),
      }),
    );
    this.unsubscribe.push(watchMedia(this.db, () => void this.mediaRefresh.request()));
    void this.mediaRefresh.request();
    void this.copySweep.request();
    if (env.storage)
      env.storage.persist().then(
        (persisted) => this.store.setState({ persisted }),
        () => this.store.setState({ persisted: false }),
      );
    const lead = () => this.lead();
    this.lockHeld = (env.locks ? env.locks.request(`fieldsync-sync-${this.deviceId}`, lead) : lead()).catch((e: unknown) => {
      this.publish({ kind: 'error', message: `sync lock failed: ${e instanceof Error ? e.message : String(e)}` });
    });
  }

  /** Stops syncing, waits for a run in flight, and releases the lock (another tab takes over). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.countsRefresh.stop();
    this.mediaRefresh.stop();
    this.copySweep.stop();
    this.live?.stop();
    for (const u of this.unsubscribe) u();
    try {
      await Promise.all([this.scheduler.deactivate(), this.uploadQueue.deactivate()]);
    } finally {
      this.leader = false;
      this.releaseLock?.();
      await this.lockHeld;
    }
  }

  /** Resolves when this tab holds the sync lock (never, while another tab holds it). */
  whenLeader(): Promise<void> {
    return this.leaderPromise;
  }

  /** Resolves when no sync run is in flight. */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }

  private async lead(): Promise<void> {
    const released = new Promise<void>((resolve) => (this.releaseLock = resolve));
    if (this.stopped) return;
    this.leader = true;
    this.store.setState({ leader: true });
    const now = this.now();
    await recoverInFlight(this.db, now);
    await pruneSettled(this.db, now, this.retentionMs);
    await pruneUploads(this.db, now, this.retentionMs).catch(() => undefined);
    this.becameLeader();
    this.scheduler.activate();
    await this.uploadQueue.activate().catch(() => undefined);
    this.updateLive();
    await released;
  }

  // ── auth ────────────────────────────────────────────────────────────────────────────────

  /** Sets (or clears) the bearer token; kept in sync metadata so a reload can sync offline-made work. */
  async setToken(token: string | null): Promise<void> {
    this.token = token;
    this.lastDbToken = token;
    this.updateLive();
    if (token === null) {
      this.store.setState({ openConflicts: null, overwrittenRecordIds: [] });
      await this.db.meta.delete(META.token);
      this.scheduler.pauseForLogin();
      return;
    }
    await setMeta(this.db, META.token, token);
    this.uploadQueue.kick('token');
    await this.scheduler.trigger('token');
  }

  // ── writes and reads ───────────────────────────────────────────────────────────────────────

  /** Saves a new record; resolves once record and outbox entry are committed (then say "saved"). */
  async create(input: CreateInput): Promise<LocalRecord> {
    const record = await createRecord(this.writeCtx, input);
    await this.copied([record.id]);
    this.afterWrite();
    return record;
  }

  /** Replaces a record's data. */
  async update(id: string, data: LocalRecord['data']): Promise<LocalRecord> {
    const record = await updateRecord(this.writeCtx, id, data);
    await this.copied([id]);
    this.afterWrite();
    return record;
  }

  /** Deletes a record (a tombstone is synced). */
  async remove(id: string): Promise<void> {
    await deleteRecord(this.writeCtx, id);
    await this.copied([id]);
    this.afterWrite();
  }

  getRecord(id: string): Promise<LocalRecord | undefined> {
    return this.db.records.get(id);
  }

  async listRecords(filter: RecordFilter = {}): Promise<LocalRecord[]> {
    const { entityId, type } = filter;
    const q =
      entityId !== undefined && type !== undefined
        ? this.db.records.where('[entityId+type]').equals([entityId, type])
        : entityId !== undefined
          ? this.db.records.where('entityId').equals(entityId)
          : type !== undefined
            ? this.db.records.where('type').equals(type)
            : this.db.records.toCollection();
    const rows = await q.toArray();
    return filter.includeDeleted ? rows : rows.filter((r) => !r.deleted);
  }

  // ── media ────────────────────────────────────────────────────────────────────────────────

  /**
   * Attaches a file to a record: a large photo is downscaled, then the media record, its outbox
   * entry, the bytes and the upload are saved in one transaction (then say "saved"). The bytes
   * upload once the server has the record.
   */
  async attachFile(input: AttachInput): Promise<LocalRecord> {
    let record: LocalRecord;
    try {
      record = await attachFile(this.writeCtx, input, {
        maxBytes: this.opts.mediaMaxBytes ?? DEFAULT_MEDIA_MAX_BYTES,
        maxLongSide: this.opts.mediaMaxLongSide ?? DEFAULT_MEDIA_MAX_LONG_SIDE,
        downscaler: this.opts.imageDownscaler ?? browserImageDownscaler(),
      });
    } catch (e) {
      // Nothing was saved; bytes the server already holds make room for the user's next try.
      if (e instanceof StorageQuotaError) await this.evict();
      throw e;
    }
    await this.copied([record.id], record.id);
    this.afterWrite();
    void this.mediaRefresh.request();
    return record;
  }

  /** The media attached to a record, with upload state and whether the bytes are here or on the server. */
  listMedia(parentId: string): Promise<MediaItem[]> {
    return listMedia(this.db, parentId, (id) => this.uploadQueue.liveBytes(id));
  }

  /** A media record's bytes: from this device, else downloaded (online) and cached; null when not to be had now. */
  mediaContent(id: string): Promise<Blob | null> {
    const env = this.opts.env;
    return mediaContent(
      {
        db: this.db, fetch: env.fetch, baseUrl: this.opts.baseUrl, now: () => this.now(), token: () => this.token,
        isOnline: () => env.connectivity.isOnline(), cached: () => void this.evict(),
      },
      id,
    );
  }

  /** The user retries a failed or rejected upload. In a tab without the lock, the syncing tab picks it up. */
  async retryUpload(mediaId: string): Promise<void> {
    await this.uploadQueue.retry(mediaId);
    if (!this.leader) await setMeta(this.db, META.syncRequestedAt, this.now());
  }

  /** Resolves when no upload is in flight (tests, tooling). */
  whenUploadsIdle(): Promise<void> {
    return this.uploadQueue.whenIdle();
  }

  /** Resolves when the upload queue has started what it will; uploads may still be in flight (tests, tooling). */
  whenUploadsPicked(): Promise<void> {
    return this.uploadQueue.whenPicked();
  }

  /** Resolves once the store shows the uploads as they are now (tests, tooling). */
  whenMediaShown(): Promise<void> {
    return this.mediaRefresh.request();
  }

  private async readMedia(): Promise<void> {
    try {
      const summary = await summarizeUploads(this.db, this.now(), this.retentionMs, (id) => this.uploadQueue.liveBytes(id));
      if (!this.stopped) this.store.setState(summary);
    } catch {
      // the database closed under us (tab closing)
    }
  }

  private async evict(): Promise<void> {
    await evictIfNeeded(this.db, this.opts.storageEstimate ?? browserStorageEstimate()).catch(() => undefined);
  }

  /** The entities assigned to the user, from the last pull. */
  async listEntities(): Promise<Entity[]> {
    return (await this.db.entities.toArray()).sort((a, b) => a.name.localeCompare(b.name));
  }

  // ── the sync queue screen ────────────────────────────────────────────────────────────────

  listOutbox(): Promise<OutboxEntry[]> {
    return listOutbox(this.db);
  }

  /** Retries a rejected (or failed) entry, then syncs. */
  async retry(changeId: string): Promise<void> {
    const entry = await retryEntry(this.db, changeId, this.now());
    await this.copied([entry.recordId]);
    await this.syncNow();
  }

  /** Drops an entry: the only way unsynced work leaves the device without reaching the server. */
  async discard(changeId: string): Promise<void> {
    const entry = await discardEntry(this.db, changeId);
    await this.copied([entry.recordId]);
    await this.refreshCounts();
  }

  /** Imports a checked file of unsynced work (unsynced-file.ts), then syncs. */
  async importUnsynced(file: UnsyncedFile): Promise<ImportResult> {
    const result = await importUnsynced(this.db, file, this.now());
    await this.copied(file.entries.map((e) => e.recordId));
    this.afterWrite();
    return result;
  }

  exportUnsynced(): Promise<string> {
    return exportUnsynced(this.db, this.now());
  }

  async exportUnsyncedBlob(): Promise<Blob> {
    return new Blob([await this.exportUnsynced()], { type: 'application/json' });
  }

  /** Manual "sync now": a new episode. In a tab without the lock, asks the syncing tab. */
  async syncNow(): Promise<void> {
    if (!this.leader) {
      await setMeta(this.db, META.syncRequestedAt, this.now());
      return;
    }
    this.uploadQueue.kick('manual');
    await this.scheduler.trigger('manual');
  }

  /** Starts a sync for `reason` when the scheduler's rules allow. */
  trigger(reason: TriggerReason): Promise<void> {
    return this.scheduler.trigger(reason);
  }

  // ── one sync run ─────────────────────────────────────────────────────────────────────────

  private async runOnce(planRetry: (e: TransportError) => number | null): Promise<void> {
    const token = this.token;
    if (token === null) throw new UnauthorizedError(401, 'UNAUTHENTICATED', 'no token', undefined);
    const base = { db: this.db, now: () => this.now(), transport: this.transport, token };
    const push = {
      ...base,
      deviceId: this.deviceId,
      limits: this.limits,
      onProgress: (done: number, total: number) => this.publish({ kind: 'pushing', done, total }),
      planRetry,
    };
    try {
      await pushAll(push);
    } finally {
      this.limits = push.limits;
      // Media records the server now has may upload their bytes; the run does not wait for them.
      this.uploadQueue.kick('records-pushed');
    }
    const limit = this.opts.pullLimit ?? PULL_LIMIT_DEFAULT;
    await pullAll({ ...base, limit, onProgress: (pages, records) => this.publish({ kind: 'pulling', pages, records }) });
    // Forms to fill offline follow every run; a 304 costs one round trip, and a failure here
    // leaves the previous copy and does not fail the records' sync.
    if (this.opts.formsCache) await refreshForms(this.db, { fetch: this.opts.env.fetch, baseUrl: this.opts.baseUrl }, token).catch(() => undefined);
  }

  private async succeeded(): Promise<void> {
    const now = this.now();
    await setMeta(this.db, META.lastSyncedAt, now);
  }

  /**
   * Reads the outbox in order only up to the first entry that could be sent. A failed entry does
   * not count: after a run that went through, it is one the server failed on alone (push.ts),
   * tried again at the next trigger, not in a loop.
   */
  private async hasSendable(): Promise<boolean> {
    const db = this.db;
    return db.transaction('r', db.outbox, async () => {
      const selector = new BatchSelector<OutboxEntry>({ maxChanges: 1, maxBytes: Infinity });
      await scanUnsettled(db, (e) => selector.offer(e.status === 'failed' ? { ...e, status: 'syncing', sentAt: 0 } : e, () => 0));
      return selector.batch.length > 0;
    });
  }

  /** The save is committed: counts follow (coalesced during a burst of writes, not awaited); sync. */
  /**
   * Brings the safety copy of these records (and a photo's bytes) in line with what was just
   * committed. The save itself has succeeded: a copy that cannot be written is only less safety.
   */
  private async copied(recordIds: readonly string[], mediaId?: string): Promise<void> {
    if (!this.copy) return;
    await Promise.all([this.copy.saveRecords(recordIds), mediaId ? this.copy.saveMedia(mediaId) : null]).catch(() => undefined);
  }

  private afterWrite(): void {
    void this.countsRefresh.request();
    void this.scheduler.trigger('local-write');
  }

  /** Publishes outbox counts and the last sync time now (after a run, a discard). */
  private async refreshCounts(): Promise<void> {
    try {
      const [, lastSyncedAt] = await Promise.all([this.readCounts(), getMeta<number>(this.db, META.lastSyncedAt)]);
      this.store.setState({ lastSyncedAt: lastSyncedAt ?? null });
    } catch {
      // the database closed under us (tab closing); the watch catches up if it reopens
    }
  }

  /**
   * Counts the outbox and publishes the counts, unless a count that began later was published
   * already (it saw at least as much). The syncing tab also picks up other tabs' new work here.
   */
  private async readCounts(): Promise<void> {
    const ticket = ++this.countsRead;
    let counts: StatusCounts;
    try {
      counts = await countByStatus(this.db);
    } catch {
      return; // the database closed under us (tab closing)
    }
    if (ticket < this.countsShown || this.stopped) return;
    this.countsShown = ticket;
    this.store.setState({ counts });
    if (!this.leader) return;
    if (counts.pending > this.lastPending) void this.scheduler.trigger('remote-write');
    this.lastPending = counts.pending;
  }

  // ── events ───────────────────────────────────────────────────────────────────────────────

  private onEnvironment(e: EnvironmentEvent): void {
    if (e === 'offline') this.scheduler.wentOffline();
    else void this.scheduler.trigger(e);
    if (e === 'online') this.uploadQueue.kick('online');
    this.updateLive();
  }

  /** The metadata every tab sees; the syncing tab also picks up other tabs' requests and token. */
  private onMetaView(v: MetaView): void {
    if (this.stopped) return;
    this.store.setState({ lastSyncedAt: v.lastSyncedAt });
    const tokenChanged = v.token !== this.lastDbToken && v.token !== this.token;
    this.lastDbToken = v.token;
    if (tokenChanged) this.token = v.token;
    if (!this.leader) {
      if (v.leaderState) this.store.setState({ state: v.leaderState });
      this.lastSyncRequest = v.syncRequestedAt;
      return;
    }
    if (tokenChanged) this.updateLive();
    if (tokenChanged && v.token !== null) {
      this.uploadQueue.kick('token');
      void this.scheduler.trigger('token');
    }
    if (v.syncRequestedAt > this.lastSyncRequest) {
      this.lastSyncRequest = v.syncRequestedAt;
      this.uploadQueue.kick('manual');
      void this.scheduler.trigger('manual');
    }
  }

  // ── live updates ─────────────────────────────────────────────────────────────────────────

  /** One stream while this tab syncs, online and signed in; none otherwise. */
  private updateLive(): void {
    if (!this.live) return;
    const token = this.token;
    if (this.leader && !this.stopped && token !== null && this.opts.env.connectivity.isOnline()) this.live.start(token);
    else this.live.stop();
  }

  private onLiveEvent(e: LiveEvent): void {
    switch (e.event) {
      case 'changes':
        this.pullSoon();
        return;
      case 'conflicts':
        this.store.setState({ openConflicts: e.data.open });
        return;
      case 'overwritten': {
        const known = this.store.getState().overwrittenRecordIds;
        const added = e.data.recordIds.filter((id) => !known.includes(id));
        if (added.length > 0) this.store.setState({ overwrittenRecordIds: [...known, ...added] });
        return;
      }
    }
  }

  /**
   * Syncs once the run in flight (if any) is over: a run already pulling may have read past
   * the point where the announced commit landed. Events during the wait share the one sync.
   */
  private pullSoon(): void {
    if (this.livePullQueued) return;
    this.livePullQueued = true;
    void this.scheduler.whenIdle().then(() => {
      this.livePullQueued = false;
      return this.scheduler.trigger('remote-write');
    });
  }

  private publish(state: EngineState): void {
    this.store.setState({ state });
    if (this.leader && !this.stopped) setMeta(this.db, META.leaderState, state).catch(() => undefined);
  }

  private now(): number {
    return this.opts.env.clock.now();
  }

  private get retentionMs(): number {
    return this.opts.retentionMs ?? DEFAULT_RETENTION_MS;
  }
}
