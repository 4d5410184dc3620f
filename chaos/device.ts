// A device of the chaos run: the app's real engine (src/client SyncEngine), here in Node on its
// own fake IndexedDB with the real timers and fetch (browser/device.ts runs it in Chromium),
// talking to the fault proxy. Its clock can be set hours off (as a phone's can). Every change it
// saves goes in the run's ledger with the change id of the outbox entry that carries it (an edit
// coalesced into an unsent entry shares that entry's id). When its token stops working (expired,
// user deactivated) it logs in again. Now and then it attaches a small photo (random bytes as a
// JPEG, which no downscaler can decode, so it keeps them); the photo ledger holds each one's id
// and SHA-256.
import { createHash } from 'node:crypto';
import { platformGzip } from '@/client/compress';
import type { FieldsyncDb, LocalRecord, OutboxEntry, UploadRow } from '@/client/db';
import { SyncEngine } from '@/client/engine';
import { type Environment, systemTimers } from '@/client/env';
import { keepOriginal } from '@/client/media/image-downscale';
import { FakeConnectivity, FakeLocks, IDBFactory, fakeDb } from '@/client/testing/fake-env';
import { DEMO_PASSWORD } from '@/server/seed/demo';
import { type Rng, between, pick } from './prng';

export interface LedgerEntry {
  readonly device: string;
  readonly changeId: string;
  readonly recordId: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly data: unknown;
}

export interface PhotoEntry {
  readonly device: string;
  readonly mediaId: string;
  readonly sha256: string;
  readonly size: number;
}

/** tus PATCH size of the devices: a photo takes a few, so a cut can land mid-photo. */
export const CHAOS_CHUNK_BYTES = 32 * 1024;

export interface DeviceOptions {
  readonly label: string;
  readonly email: string;
  readonly entityIds: readonly string[];
  readonly baseUrl: string;
  readonly rng: Rng;
  readonly timeoutMs: number;
  readonly ledger: LedgerEntry[];
  readonly photos: PhotoEntry[];
  /** Chance that an edit attaches a photo. */
  readonly photoRate: number;
}

/** The engine's settings on every chaos device, wherever it runs (plain data: they cross into a page). */
export const ENGINE_SETTINGS = {
  periodicMs: 2_000,
  maxAutoRetries: 6,
  backoff: { baseMs: 200, maxMs: 3_000, factor: 2 },
  // Settled entries go after 30 s rather than the app's 24 h: a chaos device saves in a minute
  // what a field worker saves in a day, so this keeps its settled history at a few hundred
  // entries as on a real device (and pruning runs under the faults). With 10 minutes, a run's
  // devices slowed as their outboxes grew past 10,000 entries.
  retentionMs: 30_000,
  uploadChunkSize: CHAOS_CHUNK_BYTES,
} as const;

/** A change as the device saved it: its record and the change id of the outbox entry carrying it. */
export interface Saved {
  readonly recordId: string;
  readonly changeId: string;
}

/** The change id of the newest outbox entry of `recordId` (the one a change just saved went into). */
export async function lastChangeId(db: FieldsyncDb, recordId: string): Promise<string | undefined> {
  const entries = await db.outbox.where('recordId').equals(recordId).toArray();
  return entries.sort((a, b) => a.seq - b.seq).at(-1)?.changeId;
}

/**
 * What a user does on a device, whichever runtime holds its engine: the edits, the shared
 * records, the ledger. Subclasses give the engine's operations (each returning the change id the
 * saved change went into) and what the scenario reads back at the end.
 */
export abstract class ChaosDeviceBase {
  /** Records every device of the entity knows from the start, by entity: half the edits go there, so edits meet and conflict. */
  shared = new Map<string, readonly string[]>();
  relogins = 0;
  /** Closed at the end of the run: a login still retrying gives up. */
  protected closed = false;
  private loggingIn: Promise<void> | null = null;
  private n = 0;
  /** Record ids per entity, refreshed now and then: listing every record at each edit grows with the run. */
  private readonly known = new Map<string, { ids: string[]; at: number }>();

  constructor(readonly o: DeviceOptions) {}

  get label(): string {
    return this.o.label;
  }

  /** How far the device's clock is off, in ms. */
  abstract offsetMs: number;
  abstract open(): Promise<void>;
  /** The device loses its network (it goes on editing, as field workers do) or gets it back. */
  abstract setOnline(online: boolean): void;
  abstract outbox(): Promise<OutboxEntry[]>;
  abstract records(): Promise<LocalRecord[]>;
  abstract uploads(): Promise<UploadRow[]>;
  /** Syncs once and waits for the run to end (a manual "sync now"). */
  abstract syncOnce(): Promise<void>;
  abstract whenUploadsIdle(): Promise<void>;
  abstract close(): Promise<void>;
  protected abstract saveCreate(entityId: string, data: Record<string, unknown>): Promise<Saved>;
  protected abstract saveUpdate(id: string, data: Record<string, unknown>): Promise<Saved>;
  protected abstract saveDelete(id: string): Promise<Saved>;
  /** Attaches `bytes` as a JPEG to `parentId`; returns the media record's data too. */
  protected abstract saveAttach(entityId: string, parentId: string, bytes: Uint8Array<ArrayBuffer>, fileName: string): Promise<Saved & { readonly data: unknown }>;
  protected abstract record(id: string): Promise<LocalRecord | undefined>;
  /** One login through the proxy; the token goes to the engine. */
  protected abstract loginOnce(): Promise<void>;

  /** Logs in until it works (faults, a deactivated user); one at a time. */
  login(): Promise<void> {
    this.loggingIn ??= (async () => {
      try {
        for (let attempt = 0; !this.closed; attempt++) {
          try {
            await this.loginOnce();
            this.relogins += 1;
            return;
          } catch {
            await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
          }
        }
      } finally {
        this.loggingIn = null;
      }
    })();
    return this.loggingIn;
  }
  protected abstract assessmentIds(entityId: string): Promise<string[]>;

  /** One edit as a user makes it: a new record, a photo, an edit of one it sees (anyone's), or a delete. */
  async edit(): Promise<void> {
    const rng = this.o.rng;
    const r = rng();
    const entityId = pick(rng, this.o.entityIds);
    const n = ++this.n;
    if (r < 0.4) {
      const data = { title: `${this.label} #${n}`, by: this.label, n, members: between(rng, 0, 9) };
      const saved = await this.saveCreate(entityId, data);
      this.note(saved, 'create', data);
      this.known.get(entityId)?.ids.push(saved.recordId);
      return;
    }
    const shared = this.shared.get(entityId) ?? [];
    let target: LocalRecord | undefined;
    if (rng() < 0.5 && shared.length > 0) target = await this.record(pick(rng, shared));
    for (let tries = 0; (!target || target.deleted) && tries < 4; tries++) {
      const ids = await this.knownIds(entityId);
      if (ids.length === 0) return;
      target = await this.record(pick(rng, ids));
    }
    if (!target || target.deleted) return;
    if (r < 0.4 + this.o.photoRate) return this.photo(entityId, target.id, n);
    if (r < 0.93) {
      const data = { ...target.data, by: this.label, n, members: between(rng, 0, 9) };
      this.note(await this.saveUpdate(target.id, data), 'update', data);
    } else if (target.version > 0 && !shared.includes(target.id)) {
      // Only records the server has: deleting a never-sent record withdraws it without a trace.
      this.note(await this.saveDelete(target.id), 'delete', null);
    }
  }

  /** A photo of 20–160 KB attached to `parentId`, in the photo ledger with the SHA-256 of its bytes. */
  private async photo(entityId: string, parentId: string, n: number): Promise<void> {
    const size = between(this.o.rng, 20_000, 160_000);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = Math.floor(this.o.rng() * 256);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const saved = await this.saveAttach(entityId, parentId, bytes, `${this.label}-${n}.jpg`);
    this.note(saved, 'create', saved.data);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.o.photos.push({ device: this.label, mediaId: saved.recordId, sha256, size });
  }

  private async knownIds(entityId: string): Promise<string[]> {
    const cached = this.known.get(entityId);
    if (cached && Date.now() - cached.at < 15_000) return cached.ids;
    const ids = await this.assessmentIds(entityId);
    this.known.set(entityId, { ids, at: Date.now() });
    return ids;
  }

  /** Creates `n` records in `entityId` for every device to edit (ledgered as any other change). */
  async createShared(entityId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const data = { title: `shared ${i + 1}`, by: this.label, n: ++this.n, members: 0 };
      const saved = await this.saveCreate(entityId, data);
      this.note(saved, 'create', data);
      ids.push(saved.recordId);
    }
    return ids;
  }

  private note(saved: Saved, action: LedgerEntry['action'], data: unknown): void {
    this.o.ledger.push({ device: this.label, changeId: saved.changeId, recordId: saved.recordId, action, data });
  }
}

/** The engine in Node, on fake IndexedDB. */
export class ChaosDevice extends ChaosDeviceBase {
  offsetMs = 0;
  engine!: SyncEngine;
  private unsubscribe: (() => void) | null = null;
  private readonly connectivity = new FakeConnectivity();

  async open(): Promise<void> {
    const connectivity = this.connectivity;
    const env: Environment = {
      clock: { now: () => Date.now() + this.offsetMs },
      timers: systemTimers,
      random: this.o.rng,
      fetch: (input, init) => globalThis.fetch(input, init),
      connectivity,
      locks: new FakeLocks(),
      storage: null,
      compress: platformGzip(),
    };
    this.engine = await SyncEngine.open({
      ...ENGINE_SETTINGS,
      baseUrl: this.o.baseUrl,
      db: fakeDb(`fieldsync-chaos-${this.o.label}`, new IDBFactory()),
      env,
      timeoutMs: this.o.timeoutMs,
      imageDownscaler: keepOriginal,
      storageEstimate: () => Promise.resolve(null),
    });
    this.engine.start();
    await this.engine.whenLeader();
    this.unsubscribe = this.engine.store.subscribe((s) => {
      if (s.state.kind === 'needs_login') void this.login();
    });
    await this.login();
  }

  protected async loginOnce(): Promise<void> {
    const { token } = await this.engine.transport.login(this.o.email, DEMO_PASSWORD);
    await this.engine.setToken(token);
  }

  protected async saveCreate(entityId: string, data: Record<string, unknown>): Promise<Saved> {
    const rec = await this.engine.create({ type: 'assessment', entityId, data });
    return this.saved(rec.id, 'create');
  }

  protected async saveUpdate(id: string, data: Record<string, unknown>): Promise<Saved> {
    await this.engine.update(id, data);
    return this.saved(id, 'update');
  }

  protected async saveDelete(id: string): Promise<Saved> {
    await this.engine.remove(id);
    return this.saved(id, 'delete');
  }

  protected async saveAttach(entityId: string, parentId: string, bytes: Uint8Array<ArrayBuffer>, fileName: string): Promise<Saved & { readonly data: unknown }> {
    const media = await this.engine.attachFile({ entityId, parentId, file: new Blob([bytes], { type: 'image/jpeg' }), fileName });
    return { ...(await this.saved(media.id, 'create')), data: media.data };
  }

  private async saved(recordId: string, action: string): Promise<Saved> {
    const changeId = await lastChangeId(this.engine.db, recordId);
    if (!changeId) throw new Error(`${this.label}: a saved ${action} of ${recordId} has no outbox entry`);
    return { recordId, changeId };
  }

  protected record(id: string): Promise<LocalRecord | undefined> {
    return this.engine.getRecord(id);
  }

  protected async assessmentIds(entityId: string): Promise<string[]> {
    return (await this.engine.db.records.where('[entityId+type]').equals([entityId, 'assessment']).primaryKeys()) as string[];
  }

  setOnline(online: boolean): void {
    this.connectivity.emit(online ? 'online' : 'offline');
  }

  outbox(): Promise<OutboxEntry[]> {
    return this.engine.listOutbox();
  }

  records(): Promise<LocalRecord[]> {
    return this.engine.listRecords({ includeDeleted: true });
  }

  uploads(): Promise<UploadRow[]> {
    return this.engine.db.uploads.toArray();
  }

  async syncOnce(): Promise<void> {
    if (this.engine.store.getState().state.kind === 'needs_login') await this.login();
    await this.engine.syncNow();
    await this.engine.whenIdle();
  }

  whenUploadsIdle(): Promise<void> {
    return this.engine.whenUploadsIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    await this.engine.stop();
    this.engine.db.close();
  }
}
