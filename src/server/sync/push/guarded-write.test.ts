import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangeInput } from '@/protocol/push';
import type { RecordType } from '@/protocol/records';
import type { RecordState } from '@/core/apply-change';
import type { Caller } from '../../auth/authenticate';
import { type Database, rows } from '../../db/database';
import { isRetryableTransactionError } from '../../db/errors';
import { testDatabases } from '../../db/test-databases';
import { writeIfGuessedRight } from './guarded-write';
import { type StartGuess, planOnGuess } from './guess-start';
import { type LoadedBatch, loadCallerAndBatch } from './load-batch';
import { parseBatch } from './parse-batch';
import { batchKeys, planBatch } from './plan-batch';
import { change, countRows, newId, NORTH, type PushKit, RIVER, SHA, SOUTH, withPushKit } from './push-test-kit';

// The guarded write must write exactly when the guess holds (checked here against a plain
// JavaScript reading of what the long way loads), and then it must have written what the long
// way would have decided; otherwise it must write nothing, answering false or aborting.
// Random worlds: a few records in random states (some in an entity ana does not hold), change
// ids already logged by ana or by someone else, and batches mostly consistent with the world.

interface StoredState {
  readonly type: RecordType;
  readonly entityId: string;
  readonly version: number;
  readonly deleted: boolean;
}

const ENTITIES = [NORTH, SOUTH, RIVER]; // ana holds NORTH and SOUTH
const TYPES: RecordType[] = ['assessment', 'response', 'media'];
const POOL = 5;

const stateArb: fc.Arbitrary<StoredState | null> = fc.option(
  fc.record({
    type: fc.constantFrom<RecordType>('assessment', 'assessment', 'response'),
    entityId: fc.nat({ max: 9 }).map((n) => (n < 6 ? NORTH : n < 9 ? SOUTH : RIVER)),
    version: fc.integer({ min: 1, max: 3 }),
    deleted: fc.nat({ max: 9 }).map((n) => n < 2),
  }),
  { freq: 3 },
);

const changeArb = fc.record({
  record: fc.nat({ max: POOL - 1 }),
  // Mostly consistent with the world; sometimes on a stale base; sometimes anything.
  kind: fc.nat({ max: 19 }).map((n) => (n < 17 ? 'consistent' : n < 19 ? 'stale' : 'random')),
  action: fc.constantFrom('create', 'update', 'update', 'update', 'delete'),
  type: fc.constantFrom<RecordType>(...TYPES),
  entity: fc.constantFrom(...ENTITIES),
  base: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constant(3e9) }), // and past any int4 version
  ref: fc.nat({ max: POOL - 1 }),
  logged: fc.nat({ max: 39 }).map((n): 'no' | 'ana' | 'ben' => (n === 0 ? 'ana' : n === 1 ? 'ben' : 'no')),
  later: fc.boolean(),
});

const worldArb = fc.record({
  states: fc.array(stateArb, { minLength: POOL, maxLength: POOL }),
  // What this server knows of each stored record (recent-records.ts): nothing, the record as
  // stored, or an earlier version of it.
  known: fc.array(fc.constantFrom('none', 'current', 'current', 'earlier'), { minLength: POOL, maxLength: POOL }),
  changes: fc.array(changeArb, { minLength: 1, maxLength: 5 }),
});

describe.each(testDatabases())('the guarded write on $name', (factory) => {
  let database: Database;
  let kit: PushKit;
  let anaId: string;
  let benId: string;
  withPushKit(factory, (d, k) => ([database, kit] = [d, k]));
  beforeAll(async () => {
    anaId = await kit.userId('ana');
    benId = await kit.userId('ben');
  });

  it('writes exactly when the guess holds, and then what the long way decides; otherwise nothing', async () => {
    const seen = { written: 0, refused: 0, aborted: 0, unguessed: 0, writtenWithConflicts: 0 };
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        const ids = Array.from({ length: POOL }, () => newId());
        for (const [i, s] of world.states.entries()) if (s) await storeRecord(ids[i]!, s);

        const changes: ChangeInput[] = [];
        for (const c of world.changes) {
          const state = world.states[c.record] ?? null;
          const consistent = c.kind !== 'random';
          const action = consistent ? (state ? (c.action === 'create' ? 'update' : c.action) : 'create') : c.action;
          const type = consistent && state ? state.type : consistent ? 'assessment' : c.type;
          const entityId = consistent && state ? state.entityId : c.entity;
          const baseVersion = action === 'create' ? 0 : consistent && state ? state.version - (c.kind === 'stale' ? 1 : 0) : c.base;
          const data =
            action === 'delete'
              ? undefined
              : type === 'response'
                ? { assessmentId: ids[c.ref]!, answer: 1 }
                : type === 'media'
                  ? { parentId: ids[c.ref]!, contentType: 'image/jpeg', size: 1, sha256: SHA, fileName: 'a.jpg' }
                  : { n: changes.length };
          const ch = change({ recordId: ids[c.record]!, action, type, entityId, baseVersion, data, hlc: kit.stamp(c.later ? 1000 : -1000) });
          if (c.logged !== 'no') await logChange(ch.changeId, c.logged === 'ana' ? anaId : benId, ids[c.record]!);
          changes.push(ch);
        }

        const batch = parseBatch({ deviceId: 'dev_prop', changes });
        const keys = batchKeys(batch.items);
        const meta = { userId: anaId, deviceId: 'dev_prop', now: kit.server.clock.now() };
        const long = await loadCallerAndBatch(database.db, anaId, keys.recordIds, keys.changeIds);
        const decided = planBatch({ ...meta, items: batch.items, entityIds: long.caller.entityIds, ...long.loaded });
        const known = new Map<string, RecordState>();
        for (const [i, k] of world.known.entries()) {
          const stored = long.loaded.records.get(ids[i]!);
          if (!stored || k === 'none') continue;
          if (k === 'current') known.set(ids[i]!, stored);
          // An earlier version: another stamp and data, as a write before the stored one left it.
          else if (stored.version > 1)
            known.set(ids[i]!, { ...pick(stored), version: stored.version - 1, deleted: false, hlc: kit.stamp(-60_000), data: { earlier: true } });
        }
        const guessed = planOnGuess({ ...meta, items: batch.items }, known);
        if (guessed === null) {
          seen.unguessed++;
          return;
        }

        const { outcome, after, logged } = await rolledBack(async (tx) => {
          // In a savepoint: a statement that aborts leaves the transaction usable for the checks.
          const outcome = await tx
            .transaction((sp) => writeIfGuessedRight(sp, guessed, meta, keys))
            .then(
              (w) => (w ? 'written' : 'refused'),
              (e: unknown) => {
                if (isRetryableTransactionError(e)) return 'aborted';
                throw e;
              },
            );
          const after = await rows<{ id: string; version: number }>(tx, sql`select id, version from records where id = any(${sql.param(ids)}::uuid[]) order by id`);
          const logged = await rows<{ n: number }>(tx, sql`select count(*)::int as n from sync_changes where change_id = any(${sql.param(keys.changeIds)}::uuid[])`);
          return { outcome, after, logged: logged[0]?.n };
        });
        expect(outcome === 'written').toBe(guessHolds(guessed.guess, long.loaded, long.caller));
        // An abort (the push then runs again under locks) only when the inserts found what the
        // guess said was new: some of the change ids, or a record the batch creates.
        if (outcome === 'aborted') {
          seen.aborted++;
          const found = (id: string) => long.loaded.records.has(id);
          const creates = guessed.guess.expectations.filter((e) => !e.exists).map((e) => e.id);
          expect((long.loaded.seen.size > 0 && long.loaded.seen.size < keys.changeIds.length) || creates.some(found)).toBe(true);
        }
        if (outcome === 'written') {
          seen.written++;
          if (decided.conflicts.length > 0) seen.writtenWithConflicts++;
          expect(guessed.plan).toEqual(decided);
          expect(logged).toBe(decided.log.length);
          for (const w of decided.writes) expect(after.find((r) => r.id === w.id)?.version).toBe(w.record.version);
        } else {
          seen.refused++;
          expect(logged).toBe(long.loaded.seen.size);
          for (const w of decided.writes) expect(after.find((r) => r.id === w.id)?.version).toBe(w.previousVersion ?? undefined);
        }
      }),
      { numRuns: 250 },
    );
    // Both ways were taken often enough for the property to mean something.
    expect(seen.written).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(40);
    expect(seen.aborted).toBeGreaterThan(0);
    // Conflicts decided on records known whole were written in one statement too.
    expect(seen.writtenWithConflicts).toBeGreaterThan(5);
  });

  /** The guarded write of `changes` by ana, as a push decided on its guess would send it. */
  async function guessedWrite(changes: ChangeInput[]): Promise<boolean> {
    const batch = parseBatch({ deviceId: 'dev_prop', changes });
    const meta = { userId: anaId, deviceId: 'dev_prop', now: kit.server.clock.now() };
    const guessed = planOnGuess({ ...meta, items: batch.items });
    if (guessed === null) throw new Error('the batch was to be decided on its guess');
    return writeIfGuessedRight(database.db, guessed, meta, batchKeys(batch.items));
  }

  const counts = async () => ({ records: await countRows(database, 'records'), changes: await countRows(database, 'sync_changes') });

  it('a batch sent again whole writes nothing and answers false: the push goes the long way', async () => {
    const changes = [change(), change()];
    expect(await guessedWrite(changes)).toBe(true);
    const before = await counts();
    expect(await guessedWrite(changes)).toBe(false);
    expect(await counts()).toEqual(before);
  });

  it('a batch with some change ids seen aborts as a serialization failure and leaves nothing', async () => {
    const seenBefore = change();
    expect(await guessedWrite([seenBefore])).toBe(true);
    const before = await counts();
    const error = await guessedWrite([seenBefore, change()]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRetryableTransactionError(error)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('a create whose record exists aborts as a serialization failure and leaves nothing', async () => {
    const existing = change();
    await storeRecord(existing.recordId, { type: 'assessment', entityId: NORTH, version: 1, deleted: false });
    const before = await counts();
    const error = await guessedWrite([change(), change({ recordId: existing.recordId })]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRetryableTransactionError(error)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  /** Runs `fn` in a transaction that is rolled back, and returns what it returned. */
  async function rolledBack<T>(fn: (tx: Database['db']) => Promise<T>): Promise<T> {
    let result: T | undefined;
    const rollback = new Error('rollback');
    await database.db
      .transaction(async (tx) => {
        result = await fn(tx as unknown as Database['db']);
        throw rollback;
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
      });
    return result as T;
  }

  async function storeRecord(id: string, s: StoredState): Promise<void> {
    await database.db.execute(
      sql`insert into records (id, type, entity_id, version, data, deleted, hlc, updated_by, device_id)
          values (${id}, ${s.type}, ${s.entityId}, ${s.version}, '{"stored":true}'::jsonb, ${s.deleted}, ${kit.stamp()}, ${benId}, 'dev_other')`,
    );
  }

  async function logChange(changeId: string, userId: string, recordId: string): Promise<void> {
    await database.db.execute(
      sql`insert into sync_changes (change_id, user_id, device_id, record_id, original_hlc, result)
          values (${changeId}, ${userId}, 'dev_earlier', ${recordId}, ${kit.stamp()}, '{"status":"success","version":1}'::jsonb)`,
    );
  }
});

function pick(r: RecordState): RecordState {
  return { type: r.type, entityId: r.entityId, version: r.version, data: r.data, deleted: r.deleted, hlc: r.hlc, updatedBy: r.updatedBy, deviceId: r.deviceId };
}

/** The guess, checked in plain JavaScript against what the long way loaded. */
function guessHolds(guess: StartGuess, loaded: LoadedBatch, caller: Caller): boolean {
  if (loaded.seen.size > 0) return false;
  if (!guess.entityIds.every((e) => caller.entityIds.includes(e))) return false;
  return guess.expectations.every((e) => {
    const r = loaded.records.get(e.id);
    if (!e.exists) return r === undefined;
    return (
      r !== undefined &&
      (e.version === undefined || e.version === r.version) &&
      (e.type === undefined || e.type === r.type) &&
      (e.entityId === undefined || e.entityId === r.entityId) &&
      (e.deleted === undefined || e.deleted === r.deleted)
    );
  });
}
