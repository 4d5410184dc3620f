// Applies a parsed batch with a fixed, small number of statements whatever its size, deciding
// everything in memory in between.
// First try, optimistic. Usually the batch is decided on a guess of how its records stand
// (guess-start.ts) and written in one statement that checks the guess first (guarded-write.ts):
// one round trip. When the guess was wrong (a conflict, a replay, a record elsewhere), that
// statement writes nothing and the batch is read; a device whose last batch was not clean is
// read first (guess-hints.ts), its read sent before its changes are checked (early-read.ts).
// The batch decided on what was read is then written in one statement. Each write statement
// is a transaction by itself and aborts as a serialization failure if anything it depends on
// was written in between (write-batch.ts): no BEGIN/COMMIT, no lock held across a round trip. After such a failure, the batch runs again in a READ
// COMMITTED transaction that first locks its records (advisory locks in id order, then the
// rows), so under contention it cannot lose the race again to another locked batch.
// Serialization failures and deadlocks are retried a bounded number of times.
import type { PushResponse } from '@/protocol/push';
import { compareHlc } from '@/core/hlc';
import { type Caller, loadCaller } from '../../auth/authenticate';
import type { ServerContext } from '../../context';
import type { Executor } from '../../db/database';
import { toPushResponse } from './change-results';
import type { EarlyRead } from './early-read';
import { writeIfGuessedRight } from './guarded-write';
import { planOnGuess } from './guess-start';
import { type LoadedBatch, loadCallerAndBatch, lockAndLoad } from './load-batch';
import { type ParsedBatch, dataTexts } from './parse-batch';
import { type BatchPlan, batchKeys, planBatch } from './plan-batch';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './with-retries';
import { type WriteMeta, writeBatch } from './write-batch';

export async function pushBatch(
  ctx: ServerContext,
  userId: string,
  batch: ParsedBatch,
  retry: RetryOptions = DEFAULT_RETRY,
  early: EarlyRead | null = null,
): Promise<PushResponse> {
  const keys = batchKeys(batch.items);
  const { recordIds, changeIds } = keys;
  const { db, kind } = ctx.database;
  const { deviceId } = batch;
  const texts = dataTexts(batch.items);
  const metaNow = (): WriteMeta => ({ userId, deviceId, now: ctx.clock.now(), dataTexts: texts });
  // The caller as the first try read it (the long way reads it with the batch); kept for the retries.
  let caller: Caller | undefined;
  // Whether the batch turned out as the guess would have it, for the device's next batch.
  let clean = true;

  const apply = async (ex: Executor, loaded: LoadedBatch, caller: Caller): Promise<BatchPlan> => {
    const meta = metaNow();
    const decided = planBatch({ ...meta, items: batch.items, entityIds: caller.entityIds, ...loaded });
    clean = loaded.seen.size === 0 && decided.conflicts.length === 0 && decided.results.every((r) => r.status === 'success');
    await writeBatch(ex, decided, meta);
    return decided;
  };
  const firstTry = async (): Promise<BatchPlan> => {
    const meta = metaNow();
    const guessed = early === null && ctx.guessHints.shouldGuess(userId, deviceId) ? planOnGuess({ ...meta, items: batch.items }, ctx.recentRecords) : null;
    if (guessed !== null && (await writeIfGuessedRight(db, guessed, meta, keys))) return guessed.plan;
    const first = early?.covers(keys) ? await early.result : await loadCallerAndBatch(db, userId, recordIds, changeIds);
    ctx.recentRecords.remember(first.loaded.records);
    caller = first.caller;
    return apply(db, first.loaded, caller);
  };
  const plan = await withRetries(async (attempt) => {
    if (attempt === 1) return firstTry();
    // A guarded write that aborted did not read the caller.
    const known = (caller ??= await loadCaller(ctx, userId));
    return db.transaction(async (tx) => {
      const loaded = await lockAndLoad(tx, kind, recordIds, changeIds);
      ctx.recentRecords.remember(loaded.records);
      return apply(tx, loaded, known);
    });
  }, retry);
  // Committed now: what the batch wrote is the records' state at their new versions.
  ctx.recentRecords.remember(
    plan.writes.map((w) => [w.id, w.record] as const),
    texts,
  );
  ctx.guessHints.record(userId, deviceId, clean);
  // The server's clock moves past every stamp it stored, so serverHlc is later than all of them.
  const latest = plan.stamps.reduce<string | undefined>((a, s) => (a === undefined || compareHlc(s, a) > 0 ? s : a), undefined);
  if (latest !== undefined) ctx.hlc.observe(latest);
  return toPushResponse(plan.results, ctx.hlc.current());
}
