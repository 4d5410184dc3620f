// Push: sends the outbox to POST /api/v1/sync/batch, up to PUSH_LANES independent batches at a
// time, and stores the server's answer for every entry in one transaction per batch. An entry is marked `syncing`
// (and becomes immutable) before it is sent; it leaves that state only when an answer for it
// is stored, or when the request failed as a whole (then nothing of the batch was applied).
//
// One change the server keeps failing on must not stall the queue behind it (invariant 7). When
// the server answers a whole batch with 500 or 400, the batch is split in halves until the change
// it fails on is found; that change is parked (failed, with the server's error, sent alone from
// then on) and everything else goes on. Entries left `syncing` by any failure are put back at
// the start of every run.
import { type BatchLimits, BatchSelector } from '@/core/batching';
import { type SyncEvent, transition } from '@/core/outbox-state';
import { type ChangeInput, type ChangeResult, type PushResponse, type SyncRecord, jsonBytes } from '@/protocol';
import type { FieldsyncDb, LocalRecord, OutboxEntry } from './db';
import { receiveStamps } from './device';
import { HttpError, type TransportError, UnauthorizedError } from './errors';
import { countIn, recoverInFlight } from './outbox-queue';
import { SCAN_PAGE, scanUnsettled } from './outbox-scan';
import type { Transport } from './transport';

export interface PushContext {
  readonly db: FieldsyncDb;
  readonly now: () => number;
  readonly deviceId: string;
  readonly transport: Transport;
  readonly token: string;
  limits: BatchLimits;
  onProgress(done: number, total: number): void;
  /** The whole request failed transiently: when will its entries be tried next (null: next trigger)? */
  planRetry(error: TransportError): number | null;
}

/**
 * Batches in flight at once. A batch waits a whole round trip for its answer; a second one sent
 * meanwhile halves the time a long queue takes to drain over a slow link. The batch selector
 * already keeps them independent: an entry whose record, or whose parent's create, is in flight
 * (`syncing`) is held back, so two batches never touch the same record or depend on each other.
 */
export const PUSH_LANES = 2;

/**
 * Splittings per run. Past them a 500 or 400 ends the run as any transient failure does: a
 * server failing on everything would otherwise cost two requests for every change in the queue.
 */
export const MAX_ISOLATIONS_PER_RUN = 3;

/** What one run has learnt: the entries it parked (not sent again in this run) and its splittings. */
interface RunState {
  readonly parked: Set<number>;
  isolations: number;
}

/** Pushes until nothing is left to send. Throws the first transport error that stopped it. */
export async function pushAll(ctx: PushContext, lanes = PUSH_LANES): Promise<{ sent: number }> {
  const { db } = ctx;
  // One run at a time per device (Web Locks), so nothing is in flight now: whatever is still
  // `syncing` was left by a failure (a crash, a failed store of answers) and goes again.
  await recoverInFlight(db, ctx.now());
  const total = await countIn(db, ['pending', 'failed']);
  const run: RunState = { parked: new Set(), isolations: 0 };
  let done = 0;
  ctx.onProgress(done, total);
  let failure: { readonly error: unknown } | null = null;
  let inFlight = 0;
  // Resolved each time a batch is answered: what it held back may be sendable now.
  let wake = () => {};
  let answered = new Promise<void>((resolve) => (wake = resolve));
  const lane = async (): Promise<void> => {
    while (failure === null) {
      let batch: OutboxEntry[];
      try {
        batch = await claimBatch(ctx, run.parked);
      } catch (e) {
        // The other lane stops too, and pushAll waits for it: no lane is left running alone.
        failure ??= { error: e };
        return;
      }
      if (batch.length === 0) {
        if (inFlight === 0) return;
        await answered;
        continue;
      }
      inFlight++;
      try {
        done += await sendBatch(ctx, batch, run);
        ctx.onProgress(done, Math.max(total, done));
      } catch (e) {
        failure ??= { error: e };
      } finally {
        inFlight--;
        const w = wake;
        answered = new Promise<void>((resolve) => (wake = resolve));
        w();
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  return { sent: done };
}

/** A whole-batch answer that one change in it may cause: the server failed, or refused the batch. */
export function isolatable(e: unknown): e is HttpError {
  return e instanceof HttpError && !(e instanceof UnauthorizedError) && (e.status === 400 || e.status === 500);
}

/** Sends one claimed batch and stores the answers; returns how many entries it settled (0 after a 413: smaller batches now). */
async function sendBatch(ctx: PushContext, batch: OutboxEntry[], run: RunState): Promise<number> {
  const sent = await send(ctx, batch);
  if (sent.ok) return batch.length;
  const e = sent.error;
  if (isolatable(e) && (batch.length === 1 || run.isolations < MAX_ISOLATIONS_PER_RUN)) {
    if (batch.length > 1) run.isolations++;
    return isolate(ctx, batch, e, run);
  }
  await releaseBatch(ctx, batch, e);
  if (e instanceof HttpError && e.status === 413) return 0; // smaller batches now; a lone oversized change is rejected
  throw e;
}

/**
 * `part` (claimed, `syncing`) has just failed as a whole with `error`. A single change is parked;
 * else its first half is sent: when that fails too the change is in it (the rest goes back to be
 * claimed again), else the rest is sent, and split again if it fails. So a change is parked only
 * after it failed alone, and a failure that does not come back costs a request or two.
 */
async function isolate(ctx: PushContext, part: OutboxEntry[], error: HttpError, run: RunState): Promise<number> {
  if (part.length === 1) {
    await park(ctx, part[0]!, error, run);
    return 1;
  }
  const half = part.slice(0, Math.ceil(part.length / 2));
  const rest = part.slice(half.length);
  const first = await send(ctx, half);
  if (!first.ok) {
    if (!isolatable(first.error)) {
      await releaseBatch(ctx, part, first.error);
      throw first.error;
    }
    await putBack(ctx, rest);
    return isolate(ctx, half, first.error, run);
  }
  const second = await send(ctx, rest);
  if (second.ok) return part.length;
  if (isolatable(second.error)) return half.length + (await isolate(ctx, rest, second.error, run));
  await releaseBatch(ctx, rest, second.error);
  throw second.error;
}

/** The server failed on this change alone: failed, with its error, sent alone from now on, not again in this run. */
async function park(ctx: PushContext, entry: OutboxEntry, error: HttpError, run: RunState): Promise<void> {
  run.parked.add(entry.seq);
  const event: SyncEvent = { type: 'transient_failure', error: `the server fails on this change: ${error.message}`, nextAttemptAt: null };
  await ctx.db.transaction('rw', ctx.db.outbox, async () => {
    const current = await ctx.db.outbox.get(entry.seq);
    if (current?.status !== 'syncing') return;
    await ctx.db.outbox.put({ ...current, ...transition(current, event), alone: true, updatedAt: ctx.now() } as OutboxEntry);
  });
}

/** Entries claimed but not sent go back to pending, their attempt not counted as a failure. */
async function putBack(ctx: PushContext, entries: readonly OutboxEntry[]): Promise<void> {
  await ctx.db.transaction('rw', ctx.db.outbox, async () => {
    const current = await ctx.db.outbox.bulkGet(entries.map((e) => e.seq));
    const back = current
      .filter((e): e is OutboxEntry => e?.status === 'syncing')
      .map((e) => ({ ...e, ...transition(e, { type: 'returned', reason: null }), updatedAt: ctx.now() }) as OutboxEntry);
    await ctx.db.outbox.bulkPut(back);
  });
}

type Sent = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/** One request for `entries` and, when answered, their answers stored. Never leaves them `syncing` on a failure to store. */
async function send(ctx: PushContext, entries: OutboxEntry[]): Promise<Sent> {
  let response: PushResponse;
  try {
    response = await ctx.transport.push(ctx.token, { deviceId: ctx.deviceId, changes: entries.map(toChange) });
  } catch (e) {
    return { ok: false, error: e };
  }
  try {
    await applyResults(ctx, entries, response);
  } catch (e) {
    // Storing the answers failed (e.g. the disk is full): the entries must not stay `syncing`.
    // Sending them again is safe: the server answers a known change id with its first result.
    await releaseBatch(ctx, entries, e).catch(() => undefined);
    throw e;
  }
  return { ok: true };
}

export function toChange(e: OutboxEntry): ChangeInput {
  return {
    changeId: e.changeId, type: e.type, action: e.action, recordId: e.recordId, entityId: e.entityId,
    baseVersion: e.baseVersion, hlc: e.hlc, ...(e.data && e.action !== 'delete' ? { data: e.data } : {}),
  };
}

/** Entries read per status per page when claiming: a batch and a little more, so a queue of new records is claimed from one page. */
export function claimPage(limits: BatchLimits): number {
  return Math.min(SCAN_PAGE, limits.maxChanges + 28);
}

/**
 * Chooses the next batch and marks it `syncing`, in one transaction (so no edit slips in). Reads
 * the unsettled entries in outbox order only until the batch is full, and sizes only the
 * entries that could join it.
 */
export async function claimBatch(ctx: Pick<PushContext, 'db' | 'now' | 'limits'>, parked: ReadonlySet<number> = new Set()): Promise<OutboxEntry[]> {
  const { db } = ctx;
  return db.transaction('rw', db.outbox, async () => {
    const selector = new BatchSelector<OutboxEntry>(ctx.limits);
    // A parked entry is not sent again in this run, and holds back what depends on it.
    await scanUnsettled(db, (e) => selector.offer(parked.has(e.seq) ? { ...e, status: 'syncing', sentAt: 0 } : e, (x) => jsonBytes(toChange(x))), claimPage(ctx.limits));
    const at = ctx.now();
    const claimed = selector.batch.map((entry) => ({ ...entry, ...transition(entry, { type: 'send', at }), sent: true, updatedAt: at }) as OutboxEntry);
    await db.outbox.bulkPut(claimed);
    return claimed;
  });
}

/** The request failed as a whole: nothing of it was applied. Entries go back to be sent again. */
async function releaseBatch(ctx: PushContext, batch: OutboxEntry[], error: unknown): Promise<void> {
  const { db } = ctx;
  let event: SyncEvent;
  let single: SyncEvent | null = null;
  if (error instanceof UnauthorizedError) event = { type: 'returned', reason: 'waiting for login' };
  else if (error instanceof HttpError && error.status === 413) {
    // Too large for the server: send smaller batches; a single change that is too large is refused.
    ctx.limits = { maxChanges: Math.max(1, Math.floor(batch.length / 2)), maxBytes: Math.max(64 * 1024, Math.floor(ctx.limits.maxBytes / 2)) };
    event = { type: 'returned', reason: error.message };
    if (batch.length === 1) single = { type: 'rejected', code: 'PAYLOAD_TOO_LARGE', error: error.message };
  } else if (error instanceof Error && 'transient' in error && (error as TransportError).transient)
    event = { type: 'transient_failure', error: error.message, nextAttemptAt: ctx.planRetry(error as TransportError) };
  else event = { type: 'transient_failure', error: error instanceof Error ? error.message : String(error), nextAttemptAt: null };
  await db.transaction('rw', db.outbox, async () => {
    const at = ctx.now();
    const current = await db.outbox.bulkGet(batch.map((b) => b.seq));
    const released = current
      .filter((e): e is OutboxEntry => e?.status === 'syncing')
      .map((e) => ({ ...e, ...transition(e, single ?? event), updatedAt: at }) as OutboxEntry);
    await db.outbox.bulkPut(released);
  });
}

/**
 * What the batch's records and outbox rows become, worked out in memory: read with one bulk
 * read per table, written back with one bulk write per table, in the caller's transaction.
 */
class BatchState {
  private readonly outbox = new Map<number, OutboxEntry>();
  private readonly byRecord = new Map<string, OutboxEntry[]>();
  private readonly records = new Map<string, LocalRecord | undefined>();
  private readonly changedOutbox = new Set<number>();
  private readonly changedRecords = new Set<string>();

  private constructor(private readonly db: FieldsyncDb) {}

  static async load(db: FieldsyncDb, batch: readonly OutboxEntry[]): Promise<BatchState> {
    const state = new BatchState(db);
    const recordIds = [...new Set(batch.map((b) => b.recordId))];
    const [entries, records] = [await db.outbox.where('recordId').anyOf(recordIds).toArray(), await db.records.bulkGet(recordIds)];
    for (const e of entries.sort((a, b) => a.seq - b.seq)) {
      state.outbox.set(e.seq, e);
      const list = state.byRecord.get(e.recordId) ?? [];
      list.push(e);
      state.byRecord.set(e.recordId, list);
    }
    recordIds.forEach((id, i) => state.records.set(id, records[i]));
    return state;
  }

  entry(seq: number): OutboxEntry | undefined {
    return this.outbox.get(seq);
  }

  putEntry(e: OutboxEntry): void {
    this.outbox.set(e.seq, e);
    const list = this.byRecord.get(e.recordId) ?? [];
    const i = list.findIndex((x) => x.seq === e.seq);
    if (i >= 0) list[i] = e;
    this.changedOutbox.add(e.seq);
  }

  record(id: string): LocalRecord | undefined {
    return this.records.get(id);
  }

  putRecord(r: LocalRecord): void {
    this.records.set(r.id, r);
    this.changedRecords.add(r.id);
  }

  /** Later unsynced entries of the same record, behind `e`. */
  laterEntries(e: OutboxEntry): OutboxEntry[] {
    return (this.byRecord.get(e.recordId) ?? []).filter(
      (x) => x.seq > e.seq && (x.status === 'pending' || x.status === 'failed' || x.status === 'rejected' || x.status === 'syncing'),
    );
  }

  async save(): Promise<void> {
    await this.db.records.bulkPut([...this.changedRecords].map((id) => this.records.get(id)!));
    await this.db.outbox.bulkPut([...this.changedOutbox].map((seq) => this.outbox.get(seq)!));
  }
}

async function applyResults(ctx: PushContext, batch: OutboxEntry[], response: PushResponse): Promise<void> {
  const { db } = ctx;
  const results = new Map<string, ChangeResult>();
  for (const r of [...response.successful, ...response.conflicts, ...response.failed]) results.set(r.changeId, r);
  await db.transaction('rw', [db.records, db.outbox, db.meta], async () => {
    const at = ctx.now();
    const state = await BatchState.load(db, batch);
    const rejectedCreates = new Set<string>();
    const stamps: string[] = [response.serverHlc];
    for (const b of batch) {
      const e = state.entry(b.seq);
      if (e?.status !== 'syncing') continue;
      const r = results.get(e.changeId);
      let event: SyncEvent;
      if (!r) event = { type: 'transient_failure', error: 'the server gave no result for this change', nextAttemptAt: null };
      else if (r.status === 'success') {
        const version = r.version ?? e.baseVersion + 1;
        adoptOwnWrite(state, e, version);
        event = { type: 'succeeded', version, at };
      } else if (r.status === 'conflict' && r.resolution !== 'server_wins') {
        const version = r.version ?? e.baseVersion + 1;
        adoptOwnWrite(state, e, version);
        event = { type: 'conflicted', winner: 'client', version, at };
      } else if (r.status === 'conflict') {
        if (r.record) {
          stamps.push(r.record.hlc);
          adoptServerRecord(state, e, r.record);
        }
        event = { type: 'conflicted', winner: 'server', version: r.record?.version ?? r.version ?? null, at };
      } else {
        const dependsOnRejected = rejectedCreates.has(e.recordId) || (e.parentId !== null && rejectedCreates.has(e.parentId));
        if (e.action === 'create' || dependsOnRejected) rejectedCreates.add(e.recordId);
        event = dependsOnRejected
          ? { type: 'returned', reason: 'waiting for a change it depends on, which was rejected' }
          : { type: 'rejected', code: r.code ?? 'VALIDATION', error: r.message ?? 'rejected by the server' };
      }
      state.putEntry({ ...e, ...transition(e, event), updatedAt: at } as OutboxEntry);
    }
    await state.save();
    await receiveStamps(db, stamps, at);
  });
}

/** Our write is now the server's version `version`: record it, and rebase unsent edits made on top of it. */
function adoptOwnWrite(state: BatchState, e: OutboxEntry, version: number): void {
  const rec = state.record(e.recordId);
  if (rec) {
    // The record still shows this very write (same stamp): its data is the entry's, and the same
    // object as the server copy is stored once (structured clone keeps shared references).
    const data = rec.hlc === e.hlc && e.data !== null && !rec.deleted ? rec.data : (e.data ?? rec.server?.data ?? rec.data);
    const server = { version, data, deleted: e.action === 'delete', hlc: e.hlc, updatedBy: rec.server?.updatedBy ?? null };
    state.putRecord({ ...rec, server, version: rec.version === e.baseVersion ? version : Math.max(rec.version, version) });
  }
  for (const later of state.laterEntries(e))
    if (!later.sent && later.baseVersion === e.baseVersion) state.putEntry({ ...later, baseVersion: version });
}

/** The server's record won: keep it as the server copy, and show it unless newer local work exists. */
function adoptServerRecord(state: BatchState, e: OutboxEntry, s: SyncRecord): void {
  const rec = state.record(e.recordId);
  const server = { version: s.version, data: s.data, deleted: s.deleted, hlc: s.hlc, updatedBy: s.updatedBy };
  const newerLocal = state.laterEntries(e).length > 0;
  if (rec && newerLocal) {
    state.putRecord({ ...rec, server });
    return;
  }
  const adopted: LocalRecord = {
    id: s.id, type: s.type, entityId: s.entityId, data: s.data, deleted: s.deleted,
    version: s.version, hlc: s.hlc, updatedBy: s.updatedBy, server,
  };
  state.putRecord(adopted);
}
