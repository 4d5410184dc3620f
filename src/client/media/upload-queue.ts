// The upload queue: sends media bytes made on this device, apart from the record outbox, in the
// syncing tab only. An upload starts once the server has its media record (the create's push
// was applied: the local record has a server copy), one or two at a time; the record sync loop
// never waits for it, and it never waits for the record sync loop beyond that start condition.
//
//   kick(reason) ──▶ pick due uploads whose record the server has ──▶ uploader (tus) ──▶ outcome
//        ▲                                                                  │
//        └──── timer at the soonest failed upload's nextAttemptAt ◀─────────┘
//
// Every transition goes through src/core/upload-state.ts and is stored in the `uploads` row; a
// new connectivity episode (start, online, token, manual) refills the retry budget.
import { type UploadEvent, type UploadPolicy, type UploadState, DEFAULT_UPLOAD_POLICY, isDue, step } from '@/core/upload-state';
import { backoffDelay } from '@/core/backoff';
import type { FieldsyncDb, UploadRow } from '../db';
import type { TimerHandle, Timers } from '../env';
import { Throttled } from '../throttle';
import type { Uploader } from './tus-upload';
import type { UploadOutcome } from './upload-outcome';

export type UploadTrigger = 'start' | 'online' | 'token' | 'manual' | 'records-pushed' | 'periodic' | 'retry' | 'upload-ended';
const NEW_EPISODE: ReadonlySet<UploadTrigger> = new Set(['start', 'online', 'token', 'manual']);
export const DEFAULT_UPLOAD_CONCURRENCY = 2;

export interface UploadQueueDeps {
  readonly db: FieldsyncDb;
  readonly uploader: Uploader;
  readonly timers: Timers;
  now(): number;
  random(): number;
  token(): string | null;
  isOnline(): boolean;
  /** Upload rows or progress changed (the engine republishes, throttled). */
  changed(): void;
  /** A bytes upload is confirmed by the server: its blob may now be evicted. */
  confirmed(mediaId: string): void;
  readonly policy?: UploadPolicy;
  readonly concurrency?: number;
}

/** Uploaded rows are kept a while for the store's "recently uploaded", then removed (their blobs stay, evictable). */
export async function pruneUploads(db: FieldsyncDb, now: number, retentionMs: number): Promise<void> {
  await db.transaction('rw', db.uploads, async () => {
    const done = await db.uploads.where('status').equals('uploaded').toArray();
    await db.uploads.bulkDelete(done.filter((r) => r.status === 'uploaded' && now - r.settledAt > retentionMs).map((r) => r.id));
  });
}

export class UploadQueue {
  private active = false;
  private readonly inFlight = new Map<string, { readonly abort: AbortController; readonly done: Promise<void> }>();
  /** Bytes sent so far per upload in flight, ahead of the throttled writes to its row. */
  private readonly live = new Map<string, number>();
  private pumping: Promise<void> | null = null;
  private readonly kicks = new Set<Promise<void>>();
  private pumpAgain = false;
  private waitingForToken = false;
  private retryTimer: TimerHandle | null = null;
  /**
   * The server said when to come back (429 or 503 with Retry-After): no upload starts before
   * then, not only the one it answered; else each waiting photo would ask again in turn. A timer,
   * not a time of day, so a device clock that jumps cannot stretch the wait.
   */
  private serverWait: TimerHandle | null = null;

  constructor(private readonly deps: UploadQueueDeps) {}

  get policy(): UploadPolicy {
    return this.deps.policy ?? DEFAULT_UPLOAD_POLICY;
  }

  /** This tab syncs: uploads a crashed tab left `uploading` go back to pending, then the queue runs. */
  async activate(): Promise<void> {
    this.active = true;
    const { db } = this.deps;
    await db.transaction('rw', db.uploads, async () => {
      const stuck = await db.uploads.where('status').equals('uploading').toArray();
      await db.uploads.bulkPut(stuck.map((r) => this.apply(r, { type: 'wait', reason: 'interrupted; resumes where it stopped' })));
    });
    this.kick('start');
  }

  /** Stops: uploads in flight are paused (they resume from the server's offset later). */
  async deactivate(): Promise<void> {
    this.active = false;
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.endServerWait();
    for (const f of this.inFlight.values()) f.abort.abort();
    await this.whenIdle();
  }

  /** Resolves when no upload is in flight and no pick is under way. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const waits = [...this.inFlight.values()].map((f) => f.done);
      if (this.pumping) waits.push(this.pumping);
      waits.push(...this.kicks);
      if (waits.length === 0) return;
      await Promise.all(waits);
    }
  }

  /** Resolves when no pick is under way; uploads in flight may go on (tests, tooling). */
  async whenPicked(): Promise<void> {
    for (;;) {
      const waits = [...this.kicks];
      if (this.pumping) waits.push(this.pumping);
      if (waits.length === 0) return;
      await Promise.all(waits);
    }
  }

  /** Bytes sent of an upload in flight, as last reported (ahead of its row). */
  liveBytes(mediaId: string): number | undefined {
    return this.live.get(mediaId);
  }

  /** Looks for uploads to start. Never awaited by the record sync loop. */
  kick(reason: UploadTrigger): void {
    if (!this.active) return;
    if (reason === 'token') this.waitingForToken = false;
    const episode = NEW_EPISODE.has(reason) ? this.newEpisode() : Promise.resolve();
    const work: Promise<void> = episode
      .then(() => this.pump())
      .catch(() => undefined)
      .finally(() => this.kicks.delete(work));
    this.kicks.add(work);
  }

  /** The user retries a failed or rejected upload. */
  async retry(mediaId: string): Promise<void> {
    const { db } = this.deps;
    await db.transaction('rw', db.uploads, async () => {
      const row = await db.uploads.get(mediaId);
      if (!row || (row.status !== 'failed' && row.status !== 'rejected')) return;
      await db.uploads.put(this.apply(row, { type: 'retry' }));
    });
    this.deps.changed();
    this.kick('manual');
  }

  private async newEpisode(): Promise<void> {
    const { db } = this.deps;
    this.endServerWait();
    await db.transaction('rw', db.uploads, async () => {
      const failed = await db.uploads.where('status').equals('failed').toArray();
      await db.uploads.bulkPut(failed.map((r) => this.apply(r, { type: 'episode' })));
    });
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        await this.startDue();
      } while (this.pumpAgain);
    })()
      .catch(() => undefined) // the database closed under us (tab closing)
      .finally(() => {
        this.pumping = null;
      });
    return this.pumping;
  }

  private async startDue(): Promise<void> {
    const { db } = this.deps;
    const limit = this.deps.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY;
    if (!this.active || this.waitingForToken || !this.deps.isOnline() || this.deps.token() === null) return;
    if (this.inFlight.size >= limit) return;
    if (this.serverWait !== null) return;
    const now = this.deps.now();
    const candidates = (await db.uploads.where('status').anyOf(['pending', 'failed']).toArray())
      .filter((r) => isDue(r, now) && !this.inFlight.has(r.id))
      .sort((a, b) => a.createdAt - b.createdAt);
    if (candidates.length === 0) return this.scheduleRetry();
    const records = await db.records.bulkGet(candidates.map((c) => c.id));
    const gone = candidates.filter((_, i) => !records[i]).map((c) => c.id);
    if (gone.length > 0) await this.forget(gone);
    for (const [i, row] of candidates.entries()) {
      if (this.inFlight.size >= limit) break;
      const record = records[i];
      // The server must have the media record first (its create's push was applied).
      if (!record || record.server === null || record.deleted) continue;
      const claimed = await db.transaction('rw', db.uploads, async () => {
        const current = await db.uploads.get(row.id);
        if (!current || !isDue(current, this.deps.now())) return null;
        const next = this.apply(current, { type: 'start', at: this.deps.now() });
        await db.uploads.put(next);
        return next;
      });
      if (!claimed) continue;
      const data = record.data as { fileName?: unknown; contentType?: unknown };
      this.launch(claimed, String(data.fileName ?? 'file'), String(data.contentType ?? 'application/octet-stream'));
    }
    this.deps.changed();
    this.scheduleRetry().catch(() => undefined);
  }

  private launch(row: UploadRow, fileName: string, contentType: string): void {
    const abort = new AbortController();
    const progress = new Throttled(() => this.saveProgress(row.id));
    const done = (async () => {
      let outcome: UploadOutcome;
      const blob = await this.deps.db.mediaBlobs.get(row.id);
      if (!blob) outcome = { kind: 'rejected', reason: 'the file is no longer on this device' };
      else
        outcome = await this.deps.uploader
          .upload({
            mediaId: row.id, blob: blob.blob, fileName, contentType, signal: abort.signal,
            token: () => this.deps.token(),
            onProgress: (sent) => {
              this.live.set(row.id, sent);
              this.deps.changed();
              void progress.request();
            },
          })
          .catch((e: unknown) => ({ kind: 'failed', error: e instanceof Error ? e.message : String(e) }) as const);
      progress.stop();
      await this.settle(row.id, outcome);
    })()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(row.id);
        this.live.delete(row.id);
        this.deps.changed();
        this.kick('upload-ended');
      });
    this.inFlight.set(row.id, { abort, done });
  }

  private async saveProgress(id: string): Promise<void> {
    const sent = this.live.get(id);
    if (sent === undefined) return;
    const { db } = this.deps;
    await db.transaction('rw', db.uploads, async () => {
      const row = await db.uploads.get(id);
      if (row?.status === 'uploading') await db.uploads.put(this.apply(row, { type: 'progress', bytesSent: sent }));
    });
  }

  private async settle(id: string, outcome: UploadOutcome): Promise<void> {
    const { db } = this.deps;
    const at = this.deps.now();
    let event: UploadEvent;
    switch (outcome.kind) {
      case 'uploaded':
        event = { type: 'completed', at };
        break;
      case 'rejected':
        event = { type: 'rejected', reason: outcome.reason };
        break;
      case 'wait':
        event = { type: 'wait', reason: outcome.reason };
        break;
      case 'unauthorized':
        this.waitingForToken = true;
        event = { type: 'wait', reason: 'waiting for login' };
        break;
      case 'failed':
        event = {
          type: 'transient_failure', error: outcome.error, at, random: this.deps.random(),
          ...(outcome.retryAfter !== undefined ? { retryAfter: outcome.retryAfter } : {}),
        };
        break;
    }
    await db.transaction('rw', [db.uploads, db.mediaBlobs, db.records], async () => {
      const row = await db.uploads.get(id);
      if (row?.status !== 'uploading') return;
      await db.uploads.put(this.apply(row, event));
      if (outcome.kind !== 'uploaded') return;
      await db.mediaBlobs.update(id, { confirmed: true });
      await db.records.update(id, { contentAvailable: true });
    });
    if (outcome.kind === 'uploaded') this.deps.confirmed(id);
    if (outcome.kind === 'failed' && outcome.retryAfter !== undefined) this.holdFor(backoffDelay(0, 0, outcome.retryAfter));
  }

  /** No upload starts for `ms`; then the queue looks again. */
  private holdFor(ms: number): void {
    this.endServerWait();
    this.serverWait = this.deps.timers.setTimeout(() => {
      this.serverWait = null;
      this.kick('retry');
    }, ms);
  }

  private endServerWait(): void {
    if (this.serverWait !== null) this.deps.timers.clearTimeout(this.serverWait);
    this.serverWait = null;
  }

  /**
   * The media record left the device (a create discarded before it was sent, an entity no
   * longer assigned): its upload has nothing to attach to, and its bytes go with it.
   */
  private async forget(ids: string[]): Promise<void> {
    const { db } = this.deps;
    await db.transaction('rw', [db.records, db.uploads, db.mediaBlobs], async () => {
      const still = new Set((await db.records.bulkGet(ids)).filter((r) => r).map((r) => r!.id));
      const orphans = ids.filter((id) => !still.has(id));
      await db.uploads.bulkDelete(orphans);
      await db.mediaBlobs.bulkDelete(orphans);
    });
  }

  /** One timer, at the soonest planned retry. */
  private async scheduleRetry(): Promise<void> {
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.active) return;
    const failed = await this.deps.db.uploads.where('status').equals('failed').toArray();
    const now = this.deps.now();
    const next = Math.min(...failed.map((r) => (r.status === 'failed' && r.nextAttemptAt !== null && r.nextAttemptAt > now ? r.nextAttemptAt : Infinity)));
    if (!Number.isFinite(next) || !this.active) return;
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      this.kick('retry');
    }, next - now);
  }

  private apply(row: UploadRow, event: UploadEvent): UploadRow {
    const state = step(row as UploadState, event, this.policy);
    const { id, bytesTotal, uploadUrl, createdAt } = row;
    return { ...state, id, bytesTotal, uploadUrl, createdAt, updatedAt: this.deps.now() } as UploadRow;
  }
}
