// Decides a whole batch in memory, in array order, from the rows loaded for it: replays get
// their first answer, the rest go through the access rules and the conflict rule of the pure
// core. Several changes to one record apply one after another; only each record's final
// state is written. Pure: no I/O, the clock reading comes in as `now`.
import { type ConflictSide } from '@/protocol/conflicts';
import { HLC_MAX_FUTURE_MS } from '@/protocol/limits';
import type { Change, ChangeResult, Resolution } from '@/protocol/push';
import { IdSchema, type RecordType } from '@/protocol/records';
import { type RecordState, applyChange } from '@/core/apply-change';
import { type AccessView, checkAccess, referencedId } from '@/core/change-access';
import { type FormLookup, checkFormAnswers } from '@/core/form-answers';
import { clampHlc } from '@/core/hlc';
import { type StoredResult, conflictResult, failedResult, replayedResult, successResult } from './change-results';
import type { BatchItem } from './parse-batch';
import { stateToSyncRecord } from './record-state';

/** A change id already in the idempotency log. */
export interface SeenChange {
  readonly userId: string;
  /** As logged: without its ids (rows of earlier versions: with them). */
  readonly result: StoredResult | ChangeResult | null;
}

export interface PlanInput {
  readonly items: readonly BatchItem[];
  readonly userId: string;
  readonly deviceId: string;
  readonly entityIds: readonly string[];
  readonly now: number;
  /** Records loaded for the batch (its record ids and the ids its data refers to), by id. */
  readonly records: ReadonlyMap<string, RecordState>;
  /** Log entries of the batch's change ids, by lowercase change id. */
  readonly seen: ReadonlyMap<string, SeenChange>;
  /** The form versions the batch's assessments name (none: every such assessment fails). */
  readonly forms?: FormLookup;
}

const NO_FORMS: FormLookup = () => undefined;

export interface RecordWrite {
  readonly id: string;
  /** The stored version this write replaces; null for a new record. */
  readonly previousVersion: number | null;
  readonly record: RecordState;
}

export interface ConflictLogEntry {
  readonly changeId: string;
  readonly recordId: string;
  readonly entityId: string;
  readonly type: RecordType;
  readonly resolution: Resolution;
  readonly winner: ConflictSide;
  readonly loser: ConflictSide;
  readonly clampedFrom: string | null;
}

export interface LoggedChange {
  readonly changeId: string;
  readonly recordId: string | null;
  readonly originalHlc: string | null;
  readonly result: ChangeResult;
}

export interface BatchPlan {
  /** One per item, in array order. */
  readonly results: ChangeResult[];
  readonly writes: RecordWrite[];
  readonly conflicts: ConflictLogEntry[];
  /** New entries of the idempotency log. */
  readonly log: LoggedChange[];
  /** Every stamp compared and stored, for the server's clock. */
  readonly stamps: string[];
  /**
   * Stored records that records written by the batch refer to (a response's assessment, a media
   * record's parent), other than ones the batch writes itself: the write checks they are still
   * there, not deleted, and holds them until it commits (write-batch.ts).
   */
  readonly references: string[];
}

/** Record ids the batch reads and writes, and the change ids it may have seen before. */
export function batchKeys(items: readonly BatchItem[]): { recordIds: string[]; changeIds: string[] } {
  const recordIds = new Set<string>();
  const changeIds: string[] = [];
  for (const item of items) {
    if (item.kind === 'invalid') {
      if (item.recordable) changeIds.push(item.changeId.toLowerCase());
      continue;
    }
    changeIds.push(item.change.changeId);
    recordIds.add(item.change.recordId);
    const ref = referencedId(item.change);
    // Only ids PostgreSQL can cast; anything else fails the data schema check later.
    if (ref !== undefined && IdSchema.safeParse(ref).success) recordIds.add(ref);
  }
  return { recordIds: [...recordIds], changeIds };
}

export function planBatch(input: PlanInput): BatchPlan {
  const records = new Map(input.records);
  const entityIds = new Set(input.entityIds);
  const run: Run = {
    input,
    records,
    touched: new Set<string>(),
    referenced: new Set<string>(),
    entityIds,
    view: { entityIds, lookup: (id) => records.get(id) },
    plan: { results: [], writes: [], conflicts: [], log: [], stamps: [], references: [] },
  };
  const { plan } = run;

  for (const item of input.items) {
    const ids = { changeId: item.changeId, recordId: item.recordId };
    const key = item.kind === 'valid' ? item.change.changeId : item.recordable ? item.changeId.toLowerCase() : null;
    const seen = key === null ? undefined : input.seen.get(key);
    if (seen) {
      // Exactly once: the first answer again, or nothing at all about another user's change.
      plan.results.push(
        seen.userId === input.userId && seen.result ? replayedResult(seen.result, ids) : failedResult(ids, 'VALIDATION', 'this changeId cannot be used'),
      );
      continue;
    }
    if (item.kind === 'invalid') {
      const result = failedResult(ids, 'VALIDATION', item.message);
      plan.results.push(result);
      if (key !== null) plan.log.push({ changeId: key, recordId: item.recordId, originalHlc: item.hlc, result });
      continue;
    }
    const result = decide(run, item.change, ids);
    plan.results.push(result);
    plan.log.push({ changeId: item.change.changeId, recordId: item.change.recordId, originalHlc: item.change.hlc, result });
  }

  for (const id of run.touched) {
    const record = run.records.get(id);
    if (record) plan.writes.push({ id, previousVersion: input.records.get(id)?.version ?? null, record });
  }
  for (const id of run.referenced) if (!run.touched.has(id)) plan.references.push(id);
  return plan;
}

interface Run {
  readonly input: PlanInput;
  /** Every record as the batch has left it so far. */
  readonly records: Map<string, RecordState>;
  /** Records to write at the end. */
  readonly touched: Set<string>;
  /** Ids that the changes written refer to. */
  readonly referenced: Set<string>;
  readonly entityIds: ReadonlySet<string>;
  /** What the access rules read: the entities, and records as the batch has left them so far. */
  readonly view: AccessView;
  readonly plan: BatchPlan;
}

function decide(run: Run, c: Change, ids: { changeId: string; recordId: string | null }): ChangeResult {
  const { input, records, plan } = run;
  const denied = checkAccess(c, run.view);
  if (denied) return failedResult(ids, denied.code, denied.message);
  if (c.type === 'assessment' && c.action !== 'delete') {
    const unfit = checkFormAnswers(c.data, c.entityId, input.forms ?? NO_FORMS);
    if (unfit) return failedResult(ids, 'VALIDATION', unfit.message, unfit.details);
  }
  const stamp = clampHlc(c.hlc, input.now, HLC_MAX_FUTURE_MS);
  // Fields named rather than spread: this runs for every change of every push.
  const incoming = { type: c.type, action: c.action, entityId: c.entityId, baseVersion: c.baseVersion, hlc: c.hlc, data: c.data, userId: input.userId, deviceId: input.deviceId };
  const out = applyChange(records.get(c.recordId), incoming, stamp);
  if (out.kind === 'rejected') return failedResult(ids, out.code, out.message);
  plan.stamps.push(stamp.hlc);
  if (out.kind === 'applied' || out.resolution === 'client_wins') {
    records.set(c.recordId, out.record);
    run.touched.add(c.recordId);
    const ref = referencedId(c);
    if (ref !== undefined) run.referenced.add(ref);
  }
  if (out.kind === 'applied') return successResult(ids, out.record.version);
  plan.conflicts.push({
    changeId: c.changeId,
    recordId: c.recordId,
    entityId: out.record.entityId,
    type: out.record.type,
    resolution: out.resolution,
    winner: out.winner,
    loser: out.loser,
    clampedFrom: out.clampedFrom,
  });
  if (out.resolution === 'client_wins') return conflictResult(ids, out.record.version, { resolution: 'client_wins' });
  return conflictResult(ids, out.record.version, { resolution: 'server_wins', record: stateToSyncRecord(c.recordId, out.record) });
}
